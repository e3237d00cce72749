// New identifiers only: CREATE (not MERGE) so that a concurrent batch creating the same key fails on the
// unique constraint and re-reads, instead of silently linking one identifier to two customers.
UNWIND $links AS row
MATCH (c:Customer {id: row.customerId})
WITH c, row, datetime(row.occurredAt) AS seen
CREATE (i:Identifier {key: row.key, type: row.type, value: row.value, createdAt: datetime($now)})
CREATE (i)-[:IDENTIFIES {
  firstSeen: seen,
  lastSeen: seen,
  linkedAt: datetime($now),
  source: row.source,
  causeKind: row.causeKind,
  cause: row.cause,
  ruleVersion: $ruleVersion
}]->(c)
SET c.updatedAt = datetime($now)
