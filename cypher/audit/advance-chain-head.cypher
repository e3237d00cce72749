MATCH (h:AuditChain {id: $chain})
SET h.seq = toInteger($seq), h.hash = $hash
REMOVE h._LOCK_
