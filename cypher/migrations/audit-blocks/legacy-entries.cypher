// A chain's entries stored one node each, in seq order, after $after; elementId to delete exactly these once moved.
MATCH (e:AuditEntry)
WHERE e.chain = $chain AND e.seq > toInteger($after)
RETURN elementId(e) AS id, e {.*} AS entry
ORDER BY e.seq
LIMIT toInteger($batch)
