MATCH (e:AuditEntry {chain: $chain, seq: toInteger($seq)})
RETURN e {.*} AS entry
