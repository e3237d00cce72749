UNWIND $entries AS e
CREATE (a:AuditEntry)
SET a = e, a.seq = toInteger(e.seq), a.at = datetime(e.at)
