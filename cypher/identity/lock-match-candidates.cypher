// The customers a batch may merge with on a score, write-locked in id order like the owners of its identifiers,
// with what merge protection and the merged profile need. One merged while the batch waited is left out: its
// match keys moved to the survivor.
UNWIND $ids AS id
MATCH (c:Customer {id: id})
WITH c ORDER BY c.id
SET c.id = c.id
WITH collect(c) AS locked
UNWIND locked AS c
WITH c
WHERE c.mergedInto IS NULL
CALL (c) {
  MATCH (c)<-[:IDENTIFIES]-(i:Identifier)
  WITH i.type AS type, count(i) AS n
  RETURN collect({type: type, n: n}) AS counts
}
RETURN c.id AS customerId, c.createdAt.epochMillis AS createdAtMs, c.candidates AS candidates, c.matchRecords AS matchRecords, counts,
       coalesce(c.apart, []) AS apart
