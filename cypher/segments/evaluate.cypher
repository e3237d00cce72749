// Re-evaluates one segment for some customers. The two marked expressions are compiled from the segment's
// definition out of cypher/segments/predicates/* (parameters only): whether the customer qualifies now, and the
// instants at which time alone may change that. Writing segmentsEvaluatedAt first takes the customer's write lock,
// so two evaluations of one customer (an ingest and the window scheduler, on two instances) never interleave.
// A customer being erased qualifies for nothing: it only leaves (erasure then ends what remains, as EXITED).
MATCH (s:Segment {id: $segmentId})
WHERE s.deletedAt IS NULL
UNWIND $customerIds AS customerId
MATCH (c:Customer {id: customerId})
SET c.segmentsEvaluatedAt = datetime($nowIso)
WITH s, c, c.status = 'ACTIVE' AND c.erasureRequestId IS NULL AND coalesce(true /*PREDICATE*/, false) AS qualifies,
     [t IN [] /*INSTANTS*/ WHERE t > $now] AS upcoming
OPTIONAL MATCH (c)-[m:IN_SEGMENT]->(s)
OPTIONAL MATCH (c)-[r:RECHECK]->(s)
WITH s, c, qualifies, m, r, m IS NOT NULL AS was,
     CASE WHEN c.status = 'ACTIVE' AND c.erasureRequestId IS NULL THEN reduce(next = null, t IN upcoming | CASE WHEN next IS NULL OR t < next THEN t ELSE next END) END AS recheckAt
FOREACH (_ IN CASE WHEN qualifies AND NOT was THEN [1] ELSE [] END | CREATE (c)-[:IN_SEGMENT {since: datetime($nowIso), version: s.version}]->(s))
FOREACH (_ IN CASE WHEN was AND NOT qualifies THEN [1] ELSE [] END | DELETE m)
FOREACH (_ IN CASE WHEN r IS NOT NULL AND recheckAt IS NULL THEN [1] ELSE [] END | DELETE r)
FOREACH (_ IN CASE WHEN r IS NOT NULL AND recheckAt IS NOT NULL THEN [1] ELSE [] END | SET r.at = recheckAt)
FOREACH (_ IN CASE WHEN r IS NULL AND recheckAt IS NOT NULL THEN [1] ELSE [] END | CREATE (c)-[:RECHECK {at: recheckAt}]->(s))
WITH c, qualifies, was
WHERE qualifies <> was
SET c.membershipSequence = coalesce(c.membershipSequence, 0) + 1
RETURN c.id AS customerId, CASE WHEN qualifies THEN 'ENTERED' ELSE 'EXITED' END AS change, c.membershipSequence AS sequence
