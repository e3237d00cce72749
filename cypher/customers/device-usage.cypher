// How many distinct people (merged profiles count once, as their survivor) use each device.
UNWIND $ids AS deviceId
MATCH (d:Device {id: deviceId})
RETURN deviceId, COUNT {
  MATCH (d)-[:USED_BY]->(user:Customer)
  RETURN DISTINCT coalesce(user.mergedInto, user.id)
} AS customersUsing
