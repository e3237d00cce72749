// The evidence of the items that first landed on these profiles, and how many of their items left none that a
// rebuild would need: applied before the evidence log started, or their evidence removed by retention.
OPTIONAL MATCH (log:EvidenceLog)
UNWIND $ids AS id
MATCH (n:Ingestion {customerId: id})
RETURN count(CASE WHEN log IS NULL OR n.receivedAt < log.startedAt OR n.evidenceRemovedAt IS NOT NULL THEN 1 END) AS unlogged,
       collect(CASE WHEN n.evidence IS NOT NULL
         THEN {landedOn: n.customerId, receivedAtMs: n.receivedAt.epochMillis, evidence: n.evidence} END) AS entries
