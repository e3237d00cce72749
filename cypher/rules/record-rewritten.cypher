// The customers an activation rewrote: what rolling it back re-resolves.
MATCH (a:RuleActivation {id: $id})
UNWIND $ids AS customerId
MATCH (c:Customer {id: customerId})
MERGE (a)-[:REWROTE]->(c)
