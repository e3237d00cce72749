// A customer with what most reads ask for (identifiers, devices, consents) in one query: a profile read costs
// one round trip. An absorbed id resolves to its survivor. The tail is shared with profiles-by-identifier-keys.
UNWIND $ids AS askedId
MATCH (asked:Customer {id: askedId})
OPTIONAL MATCH (asked)-[:MERGED_INTO]->(survivor:Customer)
WITH askedId, coalesce(survivor, asked) AS c
CALL (c) {
  OPTIONAL MATCH (c)<-[link:IDENTIFIES]-(i:Identifier)
  WITH i, link ORDER BY i.type, i.value
  RETURN collect(CASE WHEN i IS NULL THEN null ELSE {type: i.type, value: i.value, link: link {.*}} END) AS identifiers
}
CALL (c) {
  OPTIONAL MATCH (c)<-[:MERGED_INTO*0..1]-(:Customer)<-[u:USED_BY]-(d:Device)
  WITH d, min(u.firstSeen) AS firstSeen, max(u.lastSeen) AS lastSeen
  WHERE d IS NOT NULL
  CALL (d) {
    MATCH (d)-[:USED_BY]->(user:Customer)
    RETURN count(DISTINCT coalesce(user.mergedInto, user.id)) AS customersUsing
  }
  WITH d, firstSeen, lastSeen, customersUsing ORDER BY lastSeen DESC
  RETURN collect({device: d {.id, .type, .model, .manufacturer, .os}, firstSeen: firstSeen, lastSeen: lastSeen, customersUsing: customersUsing}) AS devices
}
CALL (c) {
  OPTIONAL MATCH (c)<-[:MERGED_INTO*0..1]-(profile:Customer)-[:GAVE_CONSENT]->(k:Consent)
  WITH profile, k ORDER BY k.purpose, k.occurredAt DESC, k.recordedAt DESC
  RETURN collect(CASE WHEN k IS NULL THEN null ELSE k {.*, profileId: profile.id} END) AS consents
}
RETURN askedId, {
  customer: c {
    .id, .status, .createdAt, .updatedAt, .attributeLineage,
    .firstName, .lastName, .email, .phone, .birthday, .gender, .company,
    .street, .city, .postalCode, .state, .country
  },
  identifiers: identifiers,
  devices: devices,
  consents: consents
} AS profile
