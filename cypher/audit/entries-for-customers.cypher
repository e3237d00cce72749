MATCH (e:AuditEntry)
WHERE e.customerId IN $customerIds AND e.seq >= 0 AND e.chain = $chain
RETURN e {.*} AS entry
ORDER BY e.customerId, e.seq
