// Customers named from outside: by id, by an identifier's key or by a source record's key, each as the customer
// that id, identifier or record belongs to now (null: none).
UNWIND $refs AS ref
CALL (ref) {
  OPTIONAL MATCH (:Identifier {key: ref.key})-[:IDENTIFIES]->(byIdentifier:Customer)
  OPTIONAL MATCH (:SourceRecord {key: ref.key})-[:DESCRIBES]->(byRecord:Customer)
  OPTIONAL MATCH (byId:Customer {id: ref.customerId})
  RETURN coalesce(byIdentifier.id, byRecord.id, byId.id) AS customerId
}
RETURN ref.index AS index, customerId
