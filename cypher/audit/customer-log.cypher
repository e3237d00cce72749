// Newest first, keyset on seq: stable while new entries arrive.
MATCH (e:AuditEntry)
WHERE e.customerId = $customerId AND e.seq < toInteger($before) AND e.chain = $chain
RETURN e {.*} AS entry
ORDER BY e.seq DESC
LIMIT toInteger($limit)
