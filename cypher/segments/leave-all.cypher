// Customers about to disappear (erasure) leave every segment first, each membership reported as EXITED.
UNWIND $ids AS id
MATCH (c:Customer {id: id})
OPTIONAL MATCH (c)-[r:RECHECK]->()
DELETE r
WITH DISTINCT c
MATCH (c)-[m:IN_SEGMENT]->(s:Segment)
DELETE m
WITH c, s
SET c.membershipSequence = coalesce(c.membershipSequence, 0) + 1
RETURN c.id AS customerId, s.id AS segmentId, c.membershipSequence AS sequence
