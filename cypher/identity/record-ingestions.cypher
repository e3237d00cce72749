// `evidence` is null (so left out) for an item that brought nothing new: see src/identity/evidence.ts.
UNWIND $ingestions AS row
CREATE (:Ingestion {
  key: row.key,
  causeKind: row.causeKind,
  customerId: row.customerId,
  outcome: row.outcome,
  evidence: row.evidence,
  receivedAt: datetime($now)
})
