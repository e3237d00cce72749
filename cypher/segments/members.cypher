// Members by customer id (the cursor), read from the segment's side.
MATCH (s:Segment {id: $id})<-[m:IN_SEGMENT]-(c:Customer)
WHERE c.id > $after
  // A principal acting for a purpose sees only members whose newest statement for it is GRANTED (as
  // customers/page.cypher decides it), so a page's cursor never names one it may not see.
  AND ($purpose IS NULL OR COLLECT {
    OPTIONAL MATCH (c)-[:MERGED_INTO]->(survivor:Customer)
    WITH coalesce(survivor, c) AS person
    MATCH (person)<-[:MERGED_INTO*0..1]-(:Customer)-[:GAVE_CONSENT]->(k:Consent {purpose: $purpose})
    RETURN k.status
    ORDER BY k.occurredAt DESC, CASE k.status WHEN 'WITHDRAWN' THEN 2 WHEN 'DENIED' THEN 1 ELSE 0 END DESC, k.recordedAt DESC, k.id DESC
    LIMIT 1
  } = ['GRANTED'])
WITH c, m ORDER BY c.id LIMIT toInteger($limit)
RETURN c.id AS customerId, m.since AS since
