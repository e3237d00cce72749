// Source records not received (in any version) since the cutoff. The golden record and its lineage stay: they
// are the customer's profile, derived when the record came in; the lineage keeps naming the record's key.
MATCH (r:SourceRecord)
WHERE r.receivedAt < datetime($cutoff)
WITH r LIMIT toInteger($batch)
DETACH DELETE r
RETURN count(*) AS removed
