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
  ORDER BY b.firstSeq DESC
  LIMIT 1
}
WITH b, collect([customerId, seq - b.firstSeq]) AS wanted
WITH b.firstSeq AS firstSeq, b.prevHash AS prevHash, b.hashes AS hashes, b.customerIds AS customerIds, b.reads AS reads,
  b.readOf AS readOf, b.fieldSets AS fieldSets, b.fieldSet AS fieldSet, wanted
UNWIND wanted AS w
WITH w[0] AS customerId, w[1] AS i, firstSeq, prevHash, hashes, customerIds, reads, readOf, fieldSets, fieldSet
WHERE customerIds[i] = customerId
RETURN firstSeq + i AS seq, hashes[i] AS hash, CASE i WHEN 0 THEN prevHash ELSE hashes[i - 1] END AS prevHash,
  customerIds[i] AS customerId, reads[readOf[i]] AS read, fieldSets[fieldSet[i]] AS fields
ORDER BY customerId, seq
