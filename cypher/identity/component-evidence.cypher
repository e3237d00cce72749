// The evidence of the items that first landed on these profiles, and how many of their items were applied before
// the evidence log started (those left none, so the profiles cannot be rebuilt exactly).
OPTIONAL MATCH (log:EvidenceLog)
UNWIND $ids AS id
MATCH (n:Ingestion {customerId: id})
RETURN count(CASE WHEN log IS NULL OR n.receivedAt < log.startedAt THEN 1 END) AS unlogged,
       collect(CASE WHEN n.evidence IS NOT NULL
         THEN {landedOn: n.customerId, receivedAtMs: n.receivedAt.epochMillis, evidence: n.evidence} END) AS entries
