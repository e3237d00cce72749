// Evidence placed at a time of its own rather than its batch's: an unmerge's keep-apart decision goes just before
// the merge it undoes, so every later replay resolves as if the two had been kept apart from then on.
UNWIND $ingestions AS row
CREATE (:Ingestion {
  key: row.key,
  causeKind: row.causeKind,
  customerId: row.customerId,
  outcome: row.outcome,
  evidence: row.evidence,
  receivedAt: datetime(row.receivedAt)
})
