// The person's identifier and source record keys, for suppression and for finding their dead letters. A record
// comes with its source, so its key is made from its parts by the caller.
UNWIND $profileIds AS profileId
MATCH (c:Customer {id: profileId})
CALL (c) {
  MATCH (i:Identifier)-[:IDENTIFIES]->(c)
  RETURN i.key AS key, i.type AS type, i.value AS value, null AS source
  UNION
  MATCH (record:SourceRecord)-[:DESCRIBES]->(c)
  RETURN record.key AS key, null AS type, record.externalId AS value, record.source AS source
}
RETURN DISTINCT key, type, value, source
