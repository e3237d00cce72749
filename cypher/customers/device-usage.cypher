// How many distinct people (merged profiles count once, as their survivor) use each device, and since when it is
// shared (seen with two known people: it links no one).
UNWIND $ids AS deviceId
MATCH (d:Device {id: deviceId})
RETURN deviceId, COUNT {
  MATCH (d)-[:USED_BY]->(user:Customer)
  RETURN DISTINCT coalesce(user.mergedInto, user.id)
} AS customersUsing, d.sharedAt AS sharedAt
