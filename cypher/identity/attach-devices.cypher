// A device may be used by several customers (a shared tablet): USED_BY is usage, not identity.
UNWIND $devices AS row
MATCH (c:Customer {id: row.customerId})
MERGE (d:Device {id: row.id})
ON CREATE SET d.firstSeen = datetime(row.occurredAt), d.lastSeen = datetime(row.occurredAt)
SET d.type = coalesce(row.type, d.type),
    d.model = coalesce(row.model, d.model),
    d.manufacturer = coalesce(row.manufacturer, d.manufacturer),
    d.os = coalesce(row.os, d.os),
    d.lastSeen = CASE WHEN datetime(row.occurredAt) > d.lastSeen THEN datetime(row.occurredAt) ELSE d.lastSeen END,
    c.updatedAt = datetime($now)
MERGE (d)-[u:USED_BY]->(c)
ON CREATE SET u.firstSeen = datetime(row.occurredAt), u.lastSeen = datetime(row.occurredAt)
ON MATCH SET
  u.firstSeen = CASE WHEN datetime(row.occurredAt) < u.firstSeen THEN datetime(row.occurredAt) ELSE u.firstSeen END,
  u.lastSeen = CASE WHEN datetime(row.occurredAt) > u.lastSeen THEN datetime(row.occurredAt) ELSE u.lastSeen END
