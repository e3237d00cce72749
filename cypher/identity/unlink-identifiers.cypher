// Identifiers and source records of a component that no customer holds any more: the evidence refuses them now
// (the refusal is recorded as a conflict). The identifier itself stays, unlinked, as refused ones are.
UNWIND $keys AS key
CALL (key) {
  MATCH (:Identifier {key: key})-[r:IDENTIFIES]->(c:Customer)
  WHERE c.id IN $ids
  DELETE r
  UNION
  MATCH (:SourceRecord {key: key})-[r:DESCRIBES]->(c:Customer)
  WHERE c.id IN $ids
  DELETE r
}
