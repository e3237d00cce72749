// Customers a re-resolution left apart that were one component: their evidence still shares identifiers, so a
// later re-resolution (another rule change, a rollback) must replay them together.
WITH $ids[0] AS first
MATCH (a:Customer {id: first})
UNWIND $ids[1..] AS id
MATCH (c:Customer {id: id})
MERGE (c)-[:SEPARATED_FROM]->(a)
