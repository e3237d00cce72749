UNWIND $ingestions AS row
CREATE (:Ingestion {
  messageId: row.messageId,
  causeKind: row.causeKind,
  customerId: row.customerId,
  outcome: row.outcome,
  receivedAt: datetime($now)
})
