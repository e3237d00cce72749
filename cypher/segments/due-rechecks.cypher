// Memberships time may have changed: the due rechecks, oldest first.
MATCH (c:Customer)-[r:RECHECK]->(s:Segment)
WHERE r.at <= $now AND s.deletedAt IS NULL
WITH c, s, r ORDER BY r.at LIMIT toInteger($batch)
RETURN s.id AS segmentId, collect(c.id) AS customerIds
