// Blocking keys (hashed) of items that named a person, on the customer each ended on: where later items look for
// candidates. The planner writes only keys the customer does not hold yet, and holds its lock: CREATE, not MERGE,
// so a common key's many relationships are not scanned for each new one.
UNWIND $matchKeys AS row
MATCH (c:Customer {id: row.customerId})
MERGE (k:MatchKey {key: row.key})
CREATE (k)-[:BLOCKS]->(c)
