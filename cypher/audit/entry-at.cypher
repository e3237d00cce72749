// The block holding the entry at $seq: the one starting at or before it. Ordered by chain too, so that Neo4j reads the
// (chain, firstSeq) index backwards from $seq and stops at the first block (by firstSeq alone it reads all before).
MATCH (b:AuditBlock)
WHERE b.chain = $chain AND b.firstSeq <= toInteger($seq)
WITH b
ORDER BY b.chain DESC, b.firstSeq DESC
LIMIT 1
RETURN b {.*} AS block
