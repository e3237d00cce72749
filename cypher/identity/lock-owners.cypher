// Finds the active customers owning the batch's identifier and record keys (and, for a steward's decision, those the
// named profiles are part of) and write-locks them, in id order, so no other batch can merge them or link identifiers
// to them until this one commits. Then, every lock held (collect waits for all of them), reads again who owns each
// key: a key that changed hands between the first read and the lock comes back in `moved`, and the caller locks
// again. Identifier counts are read under the lock, so they are exact.
CALL () {
  UNWIND $identifierKeys AS key
  MATCH (:Identifier {key: key})-[:IDENTIFIES]->(c:Customer)
  RETURN key AS identifierKey, null AS recordKey, null AS profileId, c
  UNION ALL
  UNWIND $recordKeys AS key
  MATCH (:SourceRecord {key: key})-[:DESCRIBES]->(c:Customer)
  RETURN null AS identifierKey, key AS recordKey, null AS profileId, c
  UNION ALL
  UNWIND $profileIds AS id
  MATCH (p:Customer {id: id})
  OPTIONAL MATCH (p)-[:MERGED_INTO]->(s:Customer)
  WITH id, coalesce(s, p) AS c
  WHERE c.status = 'ACTIVE'
  RETURN null AS identifierKey, null AS recordKey, id AS profileId, c
}
WITH c, collect(identifierKey) AS identifierKeys, collect(recordKey) AS recordKeys, collect(profileId) AS profileIds
ORDER BY c.id
// The value it has: Neo4j takes the write lock and, the value being unchanged, writes nothing.
SET c.id = c.id
WITH collect({c: c, identifierKeys: identifierKeys, recordKeys: recordKeys, profileIds: profileIds}) AS locked
UNWIND locked AS owner
WITH owner.c AS c, owner.identifierKeys AS identifierKeys, owner.recordKeys AS recordKeys, owner.profileIds AS profileIds
CALL (c) {
  MATCH (c)<-[:IDENTIFIES]-(i:Identifier)
  WITH i.type AS type, count(i) AS n
  RETURN collect({type: type, n: n}) AS counts
}
CALL (c, identifierKeys, recordKeys, profileIds) {
  CALL (c, identifierKeys, recordKeys, profileIds) {
    UNWIND identifierKeys AS key
    OPTIONAL MATCH (:Identifier {key: key})-[:IDENTIFIES]->(current:Customer)
    WITH key, current WHERE current IS NULL OR current <> c
    RETURN key
    UNION ALL
    UNWIND recordKeys AS key
    OPTIONAL MATCH (:SourceRecord {key: key})-[:DESCRIBES]->(current:Customer)
    WITH key, current WHERE current IS NULL OR current <> c
    RETURN key
    UNION ALL
    UNWIND profileIds AS id
    MATCH (p:Customer {id: id})
    OPTIONAL MATCH (p)-[:MERGED_INTO]->(s:Customer)
    WITH id, coalesce(s, p) AS current WHERE current <> c OR current.status <> 'ACTIVE'
    RETURN $profilePrefix + id AS key
  }
  RETURN collect(key) AS moved
}
RETURN c.id AS customerId, c.createdAt.epochMillis AS createdAtMs, c.candidates AS candidates, c.matchRecords AS matchRecords, counts,
       coalesce(c.apart, []) AS apart, identifierKeys + recordKeys + [id IN profileIds | $profilePrefix + id] AS keys, moved
