// Every consent statement is kept: the newest by occurredAt is the current one, not the newest to arrive.
UNWIND $consents AS row
MATCH (c:Customer {id: row.customerId})
CREATE (c)-[:GAVE_CONSENT]->(:Consent {
  id: row.id,
  purpose: row.purpose,
  status: row.status,
  source: row.source,
  occurredAt: datetime(row.occurredAt),
  recordedAt: datetime($now),
  causeKind: row.causeKind,
  cause: row.cause
})
SET c.updatedAt = datetime($now)
