// Customers about to disappear (erasure) leave every segment first, each membership reported as EXITED.
UNWIND $ids AS id
MATCH (c:Customer {id: id})
OPTIONAL MATCH (c)-[r:RECHECK]->()
DELETE r
WITH DISTINCT c
MATCH (c)-[m:IN_SEGMENT]->(s:Segment)
DELETE m
RETURN c.id AS customerId, s.id AS segmentId
