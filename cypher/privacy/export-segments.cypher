MATCH (:Customer {id: $id})-[m:IN_SEGMENT]->(s:Segment)
WHERE s.deletedAt IS NULL
RETURN s.id AS segmentId, s.name AS segmentName, m.since AS since
ORDER BY s.name, s.id
