// Verification reads the chain in seq order, a page at a time, through the (chain, seq) constraint's index.
MATCH (e:AuditEntry)
WHERE e.chain = $chain AND e.seq > toInteger($after) AND e.seq <= toInteger($to)
RETURN e {.*} AS entry
ORDER BY e.seq
LIMIT toInteger($limit)
