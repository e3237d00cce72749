// Verification reads the chain in seq order, a page at a time, through the (chain, firstSeq) constraint's index: the
// block holding the entry after $after (the one starting at or before it, see entry-at.cypher), then the blocks
// starting up to $upTo.
CALL () {
  MATCH (b:AuditBlock)
  WHERE b.chain = $chain AND b.firstSeq <= toInteger($after) + 1
  RETURN b
  ORDER BY b.chain DESC, b.firstSeq DESC
  LIMIT 1
  UNION
  MATCH (b:AuditBlock)
  WHERE b.chain = $chain AND b.firstSeq > toInteger($after) + 1 AND b.firstSeq <= toInteger($upTo)
  RETURN b
}
RETURN b {.*} AS block
ORDER BY block.firstSeq
