// Blocking keys (hashed) of items that named a person, on the customer each ended on: where later items look for
// candidates.
UNWIND $matchKeys AS row
MATCH (c:Customer {id: row.customerId})
MERGE (k:MatchKey {key: row.key})
MERGE (k)-[:BLOCKS]->(c)
