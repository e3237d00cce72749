// Each batch renews the lease of the instance removing the members.
MATCH (s:Segment {id: $id})
WHERE s.deletedAt IS NOT NULL
SET s.evaluationHeartbeat = datetime()
WITH s
OPTIONAL MATCH (s)<-[r:RECHECK]-()
DELETE r
WITH DISTINCT s
MATCH (s)<-[m:IN_SEGMENT]-(c:Customer)
WITH m, c LIMIT toInteger($batch)
DELETE m
SET c.membershipSequence = coalesce(c.membershipSequence, 0) + 1
RETURN c.id AS customerId, c.membershipSequence AS sequence
