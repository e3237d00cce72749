// A device may be used by several customers (a shared tablet): USED_BY is usage, not identity.
UNWIND $devices AS row
MATCH (c:Customer {id: row.customerId})
WITH c, row, datetime(row.occurredAt) AS seen
MERGE (d:Device {id: row.id})
ON CREATE SET d.firstSeen = seen, d.lastSeen = seen
SET d.type = coalesce(row.type, d.type),
    d.model = coalesce(row.model, d.model),
    d.manufacturer = coalesce(row.manufacturer, d.manufacturer),
    d.os = coalesce(row.os, d.os),
    d.lastSeen = CASE WHEN seen > d.lastSeen THEN seen ELSE d.lastSeen END,
    c.updatedAt = datetime($now)
MERGE (d)-[u:USED_BY]->(c)
ON CREATE SET u.firstSeen = seen, u.lastSeen = seen
ON MATCH SET
  u.firstSeen = CASE WHEN seen < u.firstSeen THEN seen ELSE u.firstSeen END,
  u.lastSeen = CASE WHEN seen > u.lastSeen THEN seen ELSE u.lastSeen END
