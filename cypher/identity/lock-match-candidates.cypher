// The active customers holding the batch's match keys, write-locked in id order like the owners of its identifiers,
// with what a comparison and merge protection need. A key more than $maxBlock customers hold is too common to be
// evidence and is not followed (it would make every item a comparison with thousands).
UNWIND $keys AS key
MATCH (k:MatchKey {key: key})
WHERE COUNT { (k)-[:BLOCKS]->() } <= $maxBlock
MATCH (k)-[:BLOCKS]->(c:Customer)
WHERE c.mergedInto IS NULL
WITH c, collect(key) AS keys
ORDER BY c.id
SET c.id = c.id
WITH collect({c: c, keys: keys}) AS locked
UNWIND locked AS row
WITH row.c AS c, row.keys AS keys
// Merged while this batch waited for the lock: its keys moved to the survivor, which the next batch will see.
WHERE c.mergedInto IS NULL
CALL (c) {
  MATCH (c)<-[:IDENTIFIES]-(i:Identifier)
  WITH i.type AS type, count(i) AS n
  RETURN collect({type: type, n: n}) AS counts
}
RETURN c.id AS customerId, c.createdAt.epochMillis AS createdAtMs, c.candidates AS candidates, c.matchRecords AS matchRecords, counts, keys
