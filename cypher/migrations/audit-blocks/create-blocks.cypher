// Blocks and the customers' lookup nodes, as append-entries.cypher writes them (without moving the head), for
// entries moved from the layout of one node each; then those nodes go, in the same transaction.
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
