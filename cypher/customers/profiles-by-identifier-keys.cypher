// The profile an identifier resolves to, read the same way as profiles-by-ids (keep the two tails alike).
UNWIND $keys AS key
MATCH (:Identifier {key: key})-[:IDENTIFIES]->(c:Customer)
CALL (c) {
  OPTIONAL MATCH (absorbed:Customer)-[:MERGED_INTO]->(c)
  WITH c, collect(absorbed) AS absorbed
  RETURN [c] + absorbed AS profiles
}
CALL (c) {
  MATCH (c)<-[link:IDENTIFIES]-(i:Identifier)
  WITH i, link ORDER BY i.type, i.value
  RETURN collect({type: i.type, value: i.value, firstSeen: link.firstSeen.epochMillis, lastSeen: link.lastSeen.epochMillis}) AS identifiers
}
// Devices and consents stay on the profile that gave them: read them from the survivor and every absorbed one.
CALL (profiles) {
  UNWIND profiles AS p
  MATCH (p)<-[u:USED_BY]-(d:Device)
  WITH d, min(u.firstSeen) AS firstSeen, max(u.lastSeen) AS lastSeen
  ORDER BY lastSeen DESC
  RETURN collect({device: d {.id, .type, .model, .manufacturer, .os}, firstSeen: firstSeen.epochMillis, lastSeen: lastSeen.epochMillis}) AS devices
}
CALL (profiles) {
  UNWIND profiles AS p
  MATCH (p)-[:GAVE_CONSENT]->(k:Consent)
  // In force first: newest occurredAt, then the more restrictive status, then the later recorded (as consent/current).
  WITH p, k
  ORDER BY k.purpose, k.occurredAt DESC, CASE k.status WHEN 'WITHDRAWN' THEN 2 WHEN 'DENIED' THEN 1 ELSE 0 END DESC, k.recordedAt DESC, k.id DESC
  RETURN collect(k {
    .id, .purpose, .status, .source, .causeKind, .cause,
    occurredAt: k.occurredAt.epochMillis, recordedAt: k.recordedAt.epochMillis, profileId: p.id
  }) AS consents
}
RETURN key, {
  customer: c {
    .id, .status, createdAt: c.createdAt.epochMillis, updatedAt: c.updatedAt.epochMillis,
    .firstName, .lastName, .email, .phone, .birthday, .gender, .company,
    .street, .city, .postalCode, .state, .country
  },
  identifiers: identifiers,
  devices: devices,
  consents: consents
} AS profile
