// Members by customer id (the cursor), read from the segment's side.
MATCH (s:Segment {id: $id})<-[m:IN_SEGMENT]-(c:Customer)
WHERE c.id > $after
WITH c, m ORDER BY c.id LIMIT toInteger($limit)
RETURN c.id AS customerId, m.since AS since
