// The highest seq stored, whatever the head says: entries beyond the head mean the head was moved back.
MATCH (e:AuditEntry)
WHERE e.chain = $chain AND e.seq > 0
RETURN e.seq AS seq
ORDER BY e.seq DESC
LIMIT 1
