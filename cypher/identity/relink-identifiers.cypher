// Identifiers the evidence links now that were refused before (none holds them): linked as the replay's link was
// made, from the item that brought them. MERGE, as the Identifier node of a refused identifier may exist.
UNWIND $links AS row
MATCH (c:Customer {id: row.customerId})
MERGE (i:Identifier {key: row.key})
ON CREATE SET i.type = row.type, i.value = row.value, i.createdAt = datetime($now)
WITH i, c, row
WHERE NOT EXISTS { (i)-[:IDENTIFIES]->(:Customer) }
CREATE (i)-[:IDENTIFIES {
  firstSeen: datetime(row.occurredAt),
  lastSeen: datetime(row.occurredAt),
  linkedAt: datetime($now),
  source: row.source,
  causeKind: row.causeKind,
  cause: row.cause,
  ruleVersion: $ruleVersion
}]->(c)
SET c.updatedAt = datetime($now)
