// Re-evaluates segments that share one compiled shape, each for some customers: one statement for all of them, not
// one per segment. The two marked expressions are compiled from the shape of the definitions out of
// cypher/segments/predicates/* and read each segment's own values from its row of $segments (`rule`, holding the
// segment's id, the customers to evaluate and the values of its rule): whether the customer qualifies now, and the
// instants at which time alone may change that. Writing segmentsEvaluatedAt first takes the customer's write lock,
// so two evaluations of one customer (an ingest and the window scheduler, on two instances) never interleave.
// A customer being erased qualifies for nothing: it only leaves (erasure then ends what remains, as EXITED).
// A customer's changes are numbered in the order of $segments, from its membershipSequence on.
UNWIND range(0, size($segments) - 1) AS segmentIndex
WITH segmentIndex, $segments[segmentIndex] AS rule
MATCH (s:Segment {id: rule.segmentId})
WHERE s.deletedAt IS NULL
UNWIND rule.customerIds AS customerId
MATCH (c:Customer {id: customerId})
SET c.segmentsEvaluatedAt = datetime($nowIso)
WITH segmentIndex, s, c, c.status = 'ACTIVE' AND c.erasureRequestId IS NULL AND coalesce(true /*PREDICATE*/, false) AS qualifies,
     [t IN [] /*INSTANTS*/ WHERE t > $now] AS upcoming
OPTIONAL MATCH (c)-[m:IN_SEGMENT]->(s)
OPTIONAL MATCH (c)-[r:RECHECK]->(s)
WITH segmentIndex, s, c, qualifies, m, r, m IS NOT NULL AS was,
     CASE WHEN c.status = 'ACTIVE' AND c.erasureRequestId IS NULL THEN reduce(next = null, t IN upcoming | CASE WHEN next IS NULL OR t < next THEN t ELSE next END) END AS recheckAt
FOREACH (_ IN CASE WHEN qualifies AND NOT was THEN [1] ELSE [] END | CREATE (c)-[:IN_SEGMENT {since: datetime($nowIso), version: s.version}]->(s))
FOREACH (_ IN CASE WHEN was AND NOT qualifies THEN [1] ELSE [] END | DELETE m)
FOREACH (_ IN CASE WHEN r IS NOT NULL AND recheckAt IS NULL THEN [1] ELSE [] END | DELETE r)
FOREACH (_ IN CASE WHEN r IS NOT NULL AND recheckAt IS NOT NULL THEN [1] ELSE [] END | SET r.at = recheckAt)
FOREACH (_ IN CASE WHEN r IS NULL AND recheckAt IS NOT NULL THEN [1] ELSE [] END | CREATE (c)-[:RECHECK {at: recheckAt}]->(s))
WITH segmentIndex, s, c, qualifies, was
WHERE qualifies <> was
WITH segmentIndex, s, c, qualifies
ORDER BY segmentIndex
WITH c, collect({segmentId: s.id, change: CASE WHEN qualifies THEN 'ENTERED' ELSE 'EXITED' END}) AS changes
SET c.membershipSequence = coalesce(c.membershipSequence, 0) + size(changes)
WITH c, changes, c.membershipSequence - size(changes) AS before
UNWIND range(0, size(changes) - 1) AS i
RETURN changes[i].segmentId AS segmentId, c.id AS customerId, changes[i].change AS change, before + 1 + i AS sequence
