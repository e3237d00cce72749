MATCH (s:Segment {id: $id})
WHERE s.deletedAt IS NOT NULL
OPTIONAL MATCH (s)<-[r:RECHECK]-()
DELETE r
WITH DISTINCT s
MATCH (s)<-[m:IN_SEGMENT]-(c:Customer)
WITH m, c LIMIT toInteger($batch)
DELETE m
RETURN c.id AS customerId
