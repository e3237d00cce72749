// A device seen with a second known person is shared: its identifier, and with it the link to the customer that
// held it (locked by this batch), is deleted, so the device id resolves to no one; the Device keeps the usage
// (USED_BY) and when it became shared. The refusal that made it shared is recorded as a SHARED_DEVICE conflict.
UNWIND $shared AS row
MATCH (i:Identifier {key: row.key})-[:IDENTIFIES]->(c:Customer {id: row.customerId})
SET c.updatedAt = datetime($now)
DETACH DELETE i
WITH row, datetime(row.occurredAt) AS seen
MERGE (d:Device {id: row.deviceId})
ON CREATE SET d.firstSeen = seen, d.lastSeen = seen
SET d.sharedAt = coalesce(d.sharedAt, datetime($now))
