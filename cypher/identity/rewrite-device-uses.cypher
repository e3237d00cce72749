// Device use as the evidence puts it: a use by a customer none of the device's logged items end on any more is
// removed, and each customer they end on that shows no use of it gets one, first and last seen from those items.
CALL () {
  UNWIND $dropped AS row
  MATCH (:Device {id: row.deviceId})-[u:USED_BY]->(:Customer {id: row.profileId})
  DELETE u
}
WITH 1 AS one
UNWIND $added AS row
MATCH (d:Device {id: row.deviceId}), (c:Customer {id: row.customerId})
MERGE (d)-[u:USED_BY]->(c)
ON CREATE SET u.firstSeen = datetime(row.firstSeen), u.lastSeen = datetime(row.lastSeen)
