// Reads which active customers own the batch's identifier and record keys, and write-locks them (SET), in id
// order, so that no other batch can merge them or add identifiers until this one commits.
UNWIND $keys AS key
CALL (key) {
  MATCH (:Identifier {key: key})-[:IDENTIFIES]->(c:Customer)
  RETURN c
  UNION
  MATCH (:SourceRecord {key: key})-[:DESCRIBES]->(c:Customer)
  RETURN c
}
WITH key, c
ORDER BY c.id
SET c.resolvedAt = datetime($now)
WITH key, c
CALL (c) {
  OPTIONAL MATCH (c)<-[:IDENTIFIES]-(i:Identifier)
  WITH i.type AS type, count(i) AS n
  WHERE type IS NOT NULL
  RETURN collect({type: type, n: n}) AS counts
}
RETURN key, c.id AS customerId, c.createdAt AS createdAt, c.candidates AS candidates, counts
