// Who owns these keys now: run after lock-owners to make sure no key changed hands between read and lock.
CALL () {
  UNWIND $identifierKeys AS key
  MATCH (:Identifier {key: key})-[:IDENTIFIES]->(c:Customer)
  RETURN key, c
  UNION ALL
  UNWIND $recordKeys AS key
  MATCH (:SourceRecord {key: key})-[:DESCRIBES]->(c:Customer)
  RETURN key, c
}
RETURN key, c.id AS customerId
