// The evidence of the items that landed on these profiles, and how many of their items left none that a
// rebuild would need: applied before the evidence log started, or their evidence removed by retention. `landedOn`
// is the profile an item first landed on (a re-resolution may have moved it since: `customerId` is where it is now).
OPTIONAL MATCH (log:EvidenceLog)
UNWIND $ids AS id
MATCH (n:Ingestion {customerId: id})
RETURN count(CASE WHEN log IS NULL OR n.receivedAt < log.startedAt OR n.evidenceRemovedAt IS NOT NULL THEN 1 END) AS unlogged,
       collect(CASE WHEN n.evidence IS NOT NULL
         THEN {key: n.key, customerId: n.customerId, landedOn: coalesce(n.landedOn, n.customerId), receivedAtMs: n.receivedAt.epochMillis, evidence: n.evidence} END) AS entries
