// Refusals a re-resolution found again in the evidence: one Conflict per customer, refused identifier, other
// customer and reason, as record-conflicts.cypher keeps them, but one already stored is not counted again.
UNWIND $conflicts AS row
MATCH (c:Customer {id: row.customerId})
MERGE (x:Conflict {key: row.key})
ON CREATE SET
  x.id = row.id,
  x.at = datetime($now),
  x.reason = row.reason,
  x.identifierType = row.identifierType,
  x.identifierValue = row.identifierValue,
  x.limit = row.limit,
  x.causeKind = row.causeKind,
  x.cause = row.cause,
  x.ruleVersion = $ruleVersion,
  x.count = 1,
  x.lastAt = datetime($now),
  x.lastCause = row.cause
MERGE (x)-[:CONFLICT_ON]->(c)
WITH x, row
CALL (x, row) {
  MATCH (other:Customer {id: row.otherCustomerId})
  MERGE (x)-[:CONFLICTS_WITH]->(other)
}
