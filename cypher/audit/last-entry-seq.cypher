// The highest seq stored, whatever the head says: entries beyond the head mean the head was moved back.
MATCH (b:AuditBlock)
WHERE b.chain = $chain AND b.firstSeq > 0
WITH b
ORDER BY b.firstSeq DESC
LIMIT 1
RETURN b.firstSeq + size(b.hashes) - 1 AS seq
