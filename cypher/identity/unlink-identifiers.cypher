// Identifiers and source records of a component that no customer holds any more: the evidence refuses them now
// (the refusal is recorded as a conflict). A refused identifier is not kept, as a batch never creates one: the
// next item bringing it links it afresh. A device found shared keeps its usage and says since when it is shared.
UNWIND $keys AS key
CALL (key) {
  MATCH (i:Identifier {key: key})-[:IDENTIFIES]->(c:Customer)
  WHERE c.id IN $ids
  DETACH DELETE i
  UNION
  MATCH (:SourceRecord {key: key})-[r:DESCRIBES]->(c:Customer)
  WHERE c.id IN $ids
  DELETE r
}
WITH DISTINCT 1 AS done
UNWIND $sharedDevices AS deviceId
MATCH (d:Device {id: deviceId})
SET d.sharedAt = coalesce(d.sharedAt, datetime($now))
