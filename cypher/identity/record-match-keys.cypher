// Blocking keys (hashed) of items that named a person, on the customer each ended on: where later items look for
// candidates. MERGE on both: a customer may hold a key already that this batch did not read.
UNWIND $matchKeys AS row
MATCH (c:Customer {id: row.customerId})
MERGE (k:MatchKey {key: row.key})
MERGE (k)-[:BLOCKS]->(c)
