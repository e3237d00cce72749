// A whole flush in one statement. The head is locked first (the write lock SET takes is held until commit: every
// writer of the chain serialises here), then checked against the head the entries were hashed after: a head another
// instance moved on matches nothing, nothing is created, and the writer hashes again after the head it then reads
// (lock-chain-head.cypher, in the same transaction). keyedFrom is set once, by the first keyed writer.
// $blocks holds the flush's entries as blocks (see audit-block.ts): one node per block, and one small node per entry
// that names a customer, for finding a customer's entries by index (customer-log.cypher). Numbers come as floats
// from JavaScript: the position lists are stored as integers.
MATCH (h:AuditChain {id: $chain})
SET h._LOCK_ = true
WITH h
WHERE h.seq = toInteger($afterSeq) AND h.hash = $afterHash
SET h.keyedFrom = coalesce(h.keyedFrom, h.seq + 1)
WITH h
CALL {
  UNWIND $blocks AS b
  WITH b, toInteger(b.firstSeq) AS firstSeq
  CREATE (:AuditBlock {
    chain: $chain, firstSeq: firstSeq, prevHash: b.prevHash, hashes: b.hashes, customerIds: b.customerIds,
    fieldSets: b.fieldSets, fieldSet: [i IN b.fieldSet | toInteger(i)], reads: b.reads, readOf: [i IN b.readOf | toInteger(i)]
  })
  WITH b, firstSeq
  UNWIND range(0, size(b.customerIds) - 1) AS i
  WITH b, firstSeq, i
  WHERE b.customerIds[i] <> ''
  CREATE (:AuditCustomerEntry {chain: $chain, customerId: b.customerIds[i], seq: firstSeq + i})
}
SET h.seq = toInteger($seq), h.hash = $hash
REMOVE h._LOCK_
RETURN h.seq AS seq, h.hash AS hash, h.keyedFrom AS keyedFrom
