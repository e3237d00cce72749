// Source records not received (in any version) since the cutoff. The golden record and its lineage stay: they
// are the customer's profile, derived when the record came in; the lineage keeps naming the record's key. The
// evidence its versions left goes: their idempotency records stay, marked, so a rebuild says it is not exact.
MATCH (r:SourceRecord)
WHERE r.receivedAt < datetime($cutoff)
WITH r LIMIT toInteger($batch)
CALL (r) {
  // A version's key is the record's key, '@' and its time; the pattern keeps record `a` from taking `a@b.com`'s.
  MATCH (n:Ingestion)
  USING INDEX n:Ingestion(key)
  WHERE n.key STARTS WITH r.key + '@' AND substring(n.key, size(r.key) + 1) =~ '\\d{4}-\\d{2}-\\d{2}T[^@]*'
    AND n.evidence IS NOT NULL
  REMOVE n.evidence
  SET n.evidenceRemovedAt = datetime()
}
DETACH DELETE r
RETURN count(*) AS removed
