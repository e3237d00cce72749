UNWIND $conflicts AS row
MATCH (c:Customer {id: row.customerId})
CREATE (x:Conflict {
  id: row.id,
  at: datetime($now),
  reason: row.reason,
  identifierType: row.identifierType,
  identifierValue: row.identifierValue,
  limit: row.limit,
  causeKind: row.causeKind,
  cause: row.cause,
  ruleVersion: $ruleVersion
})
CREATE (x)-[:CONFLICT_ON]->(c)
WITH x, row
CALL (x, row) {
  MATCH (other:Customer {id: row.otherCustomerId})
  CREATE (x)-[:CONFLICTS_WITH]->(other)
}
