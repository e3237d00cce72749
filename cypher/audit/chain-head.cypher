MATCH (h:AuditChain {id: $chain})
RETURN h.seq AS seq, h.hash AS hash, h.keyedFrom AS keyedFrom
