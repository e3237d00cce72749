// The match keys a component's customers hold, as the evidence gives them: those of the profiles are replaced.
CALL () {
  MATCH (:MatchKey)-[b:BLOCKS]->(c:Customer)
  WHERE c.id IN $ids
  DELETE b
}
WITH 1 AS one
UNWIND $matchKeys AS row
MATCH (c:Customer {id: row.customerId})
MERGE (k:MatchKey {key: row.key})
MERGE (k)-[:BLOCKS]->(c)
