// Finds the active customers owning the batch's identifier and record keys and write-locks them (SET), in id
// order, so no other batch can merge them or link identifiers to them until this one commits. Identifier
// counts are read after the lock, so they are exact; owners-of.cypher then checks no key moved meanwhile.
CALL () {
  UNWIND $identifierKeys AS key
  MATCH (:Identifier {key: key})-[:IDENTIFIES]->(c:Customer)
  RETURN key, c
  UNION ALL
  UNWIND $recordKeys AS key
  MATCH (:SourceRecord {key: key})-[:DESCRIBES]->(c:Customer)
  RETURN key, c
}
WITH c, collect(key) AS keys
ORDER BY c.id
SET c.resolvedAt = datetime($now)
WITH c, keys
CALL (c) {
  MATCH (c)<-[:IDENTIFIES]-(i:Identifier)
  WITH i.type AS type, count(i) AS n
  RETURN collect({type: type, n: n}) AS counts
}
RETURN c.id AS customerId, c.createdAt AS createdAt, c.candidates AS candidates, counts, keys
