// The next chain, in name order, that still has entries stored one node each (the layout before blocks), through the
// (chain, seq) constraint's index.
MATCH (e:AuditEntry)
WHERE e.chain > $after AND e.seq IS :: INTEGER
RETURN e.chain AS chain
ORDER BY e.chain
LIMIT 1
