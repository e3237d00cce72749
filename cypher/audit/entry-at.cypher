// The block holding the entry at $seq: the one starting at or before it.
MATCH (b:AuditBlock)
WHERE b.chain = $chain AND b.firstSeq <= toInteger($seq)
WITH b
ORDER BY b.firstSeq DESC
LIMIT 1
RETURN b {.*} AS block
