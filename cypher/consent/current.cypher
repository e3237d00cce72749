// The current statement per purpose of each customer, across its own profile and the profiles merged into it:
// the newest by occurredAt; at the same instant the more restrictive status (WITHDRAWN, DENIED, GRANTED); then
// the later recorded. The profile reads (customers/profiles-by-*.cypher) order statements the same way.
UNWIND $ids AS customerId
MATCH (c:Customer {id: customerId})
WITH c, [c] + COLLECT { MATCH (absorbed:Customer)-[:MERGED_INTO]->(c) RETURN absorbed } AS profiles
UNWIND profiles AS p
MATCH (p)-[:GAVE_CONSENT]->(k:Consent)
WITH c, p, k
ORDER BY k.occurredAt DESC, CASE k.status WHEN 'WITHDRAWN' THEN 2 WHEN 'DENIED' THEN 1 ELSE 0 END DESC, k.recordedAt DESC, k.id DESC
WITH c, k.purpose AS purpose, collect(k {
  .id, .purpose, .status, .source, .causeKind, .cause, .occurredAt, .recordedAt, profileId: p.id
})[0] AS current
RETURN c.id AS customerId, purpose, current
