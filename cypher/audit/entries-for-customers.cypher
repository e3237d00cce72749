// Every entry of these customers, oldest first per customer: found by index, read from their blocks as in
// customer-log.cypher, each block's lists loaded once.
UNWIND $customerIds AS customerId
MATCH (e:AuditCustomerEntry)
WHERE e.customerId = customerId AND e.seq >= 0 AND e.chain = $chain
WITH DISTINCT customerId, e.seq AS seq
CALL (seq) {
  MATCH (b:AuditBlock)
  WHERE b.chain = $chain AND b.firstSeq <= seq
  RETURN b
  ORDER BY b.chain DESC, b.firstSeq DESC
  LIMIT 1
}
WITH b, collect([customerId, seq - b.firstSeq]) AS wanted
WITH b.firstSeq AS firstSeq, b.customerIds AS customerIds, b.reads AS reads,
  b.readOf AS readOf, b.fieldSets AS fieldSets, b.fieldSet AS fieldSet, wanted
UNWIND wanted AS w
WITH w[0] AS customerId, w[1] AS i, firstSeq, customerIds, reads, readOf, fieldSets, fieldSet
WHERE customerIds[i] = customerId
RETURN firstSeq + i AS seq, customerIds[i] AS customerId, reads[readOf[i]] AS read, fieldSets[fieldSet[i]] AS fields
ORDER BY customerId, seq
