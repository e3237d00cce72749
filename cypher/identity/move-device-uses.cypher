// Device use that the evidence now puts on another customer of the component: the usage (first and last seen)
// moves from the profile it was recorded on to the customer the items that used the device now end on.
UNWIND $moves AS row
MATCH (d:Device {id: row.deviceId})-[u:USED_BY]->(from:Customer {id: row.fromId}), (to:Customer {id: row.toId})
MERGE (d)-[v:USED_BY]->(to)
ON CREATE SET v.firstSeen = u.firstSeen, v.lastSeen = u.lastSeen
ON MATCH SET
  v.firstSeen = CASE WHEN u.firstSeen < v.firstSeen THEN u.firstSeen ELSE v.firstSeen END,
  v.lastSeen = CASE WHEN u.lastSeen > v.lastSeen THEN u.lastSeen ELSE v.lastSeen END
DELETE u
