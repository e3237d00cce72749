UNWIND $ids AS id
MATCH (:Customer {id: id})-[m:IN_SEGMENT]->(s:Segment)
WHERE s.deletedAt IS NULL
RETURN id AS customerId, s.id AS segmentId, m.since AS since
ORDER BY s.name, s.id
