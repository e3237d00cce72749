// The highest seq stored, whatever the head says: entries beyond the head mean the head was moved back. The last
// block, read from the end of the (chain, firstSeq) index (see entry-at.cypher).
MATCH (b:AuditBlock)
WHERE b.chain = $chain AND b.firstSeq > 0
WITH b
ORDER BY b.chain DESC, b.firstSeq DESC
LIMIT 1
RETURN b.firstSeq + size(b.hashes) - 1 AS seq
