// Newest first, keyset on seq: stable while new entries arrive. A customer's entries are found by index, then read
// from their blocks (the one starting at or before each), each block's lists loaded once for all the entries it
// holds; and only where the block names this customer at that position: a lookup node edited to point elsewhere
// finds nothing (the verifier reports the entry it no longer finds). Ordered by customer and by chain too, so that
// Neo4j reads both indexes backwards and stops at the limit (see entry-at.cypher).
MATCH (e:AuditCustomerEntry)
WHERE e.customerId = $customerId AND e.seq < toInteger($before) AND e.chain = $chain
WITH e
ORDER BY e.customerId DESC, e.seq DESC
LIMIT toInteger($limit)
WITH DISTINCT e.seq AS seq
CALL (seq) {
  MATCH (b:AuditBlock)
  WHERE b.chain = $chain AND b.firstSeq <= seq
  RETURN b
  ORDER BY b.chain DESC, b.firstSeq DESC
  LIMIT 1
}
WITH b, collect(seq - b.firstSeq) AS positions
WITH b.firstSeq AS firstSeq, b.customerIds AS customerIds, b.reads AS reads,
  b.readOf AS readOf, b.fieldSets AS fieldSets, b.fieldSet AS fieldSet, positions
UNWIND positions AS i
WITH firstSeq + i AS seq, i, customerIds, reads, readOf, fieldSets, fieldSet
WHERE customerIds[i] = $customerId
RETURN seq, customerIds[i] AS customerId, reads[readOf[i]] AS read, fieldSets[fieldSet[i]] AS fields
ORDER BY seq DESC
