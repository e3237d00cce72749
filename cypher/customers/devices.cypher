// Devices stay on the profile that used them; a survivor shows those of every profile merged into it.
UNWIND $ids AS customerId
MATCH (:Customer {id: customerId})<-[:MERGED_INTO*0..1]-(:Customer)<-[u:USED_BY]-(d:Device)
WITH customerId, d, min(u.firstSeen) AS firstSeen, max(u.lastSeen) AS lastSeen
CALL (d) {
  MATCH (d)-[:USED_BY]->(user:Customer)
  RETURN count(DISTINCT coalesce(user.mergedInto, user.id)) AS customersUsing
}
RETURN customerId, d {.id, .type, .model, .manufacturer, .os} AS device, firstSeen, lastSeen, customersUsing
ORDER BY customerId, lastSeen DESC
