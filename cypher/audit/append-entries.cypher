// A whole flush in one statement. The head is locked first (the write lock SET takes is held until commit: every
// writer of the chain serialises here), then checked against the head the entries were hashed after: a head another
// instance moved on matches nothing, nothing is created, and the writer hashes again after the head it then reads
// (lock-chain-head.cypher, in the same transaction). keyedFrom is set once, by the first keyed writer.
// $reads holds the entries of one read per row, positionally, as ChainBatch lays them out: what the entries of a read
// share is sent once, and each entry's prevHash is the hash before it.
MATCH (h:AuditChain {id: $chain})
SET h._LOCK_ = true
WITH h
WHERE h.seq = toInteger($afterSeq) AND h.hash = $afterHash
SET h.keyedFrom = coalesce(h.keyedFrom, h.seq + 1)
WITH h
CALL {
  UNWIND $reads AS r
  WITH r, datetime({epochMillis: toInteger(r[1])}) AS at
  UNWIND range(0, size(r[9]) - 1) AS i
  CREATE (:AuditEntry {
    chain: $chain, seq: toInteger(r[0]) + i, prevHash: CASE i WHEN 0 THEN r[11] ELSE r[10][i - 1] END, hash: r[10][i], at: at,
    subject: r[2], roles: r[3], fields: $fieldSets[toInteger(r[12][i])], customerId: r[9][i], purpose: r[4], decision: r[5],
    reason: r[6], requestId: r[7], channel: r[8]
  })
}
SET h.seq = toInteger($seq), h.hash = $hash
REMOVE h._LOCK_
RETURN h.seq AS seq, h.hash AS hash, h.keyedFrom AS keyedFrom
