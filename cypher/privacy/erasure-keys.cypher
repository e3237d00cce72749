// The person's identifier and source record keys, for suppression and for finding their dead letters.
UNWIND $profileIds AS profileId
MATCH (c:Customer {id: profileId})
CALL (c) {
  MATCH (i:Identifier)-[:IDENTIFIES]->(c)
  RETURN i.key AS key, i.type AS type, i.value AS value
  UNION
  MATCH (record:SourceRecord)-[:DESCRIBES]->(c)
  RETURN record.key AS key, null AS type, record.externalId AS value
}
RETURN DISTINCT key, type, value
