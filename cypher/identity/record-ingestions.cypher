UNWIND $ingestions AS row
CREATE (:Ingestion {
  key: row.key,
  causeKind: row.causeKind,
  customerId: row.customerId,
  outcome: row.outcome,
  receivedAt: datetime($now)
})
