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
  WHERE $select.identifiers
  WITH i, link ORDER BY i.type, i.value
  RETURN collect([i.type, i.value, link.firstSeen.epochMillis, link.lastSeen.epochMillis]) AS identifiers
}
// Devices and consents stay on the profile that gave them: read them from the survivor and every absorbed one.
CALL (profiles) {
  UNWIND profiles AS p
  MATCH (p)<-[u:USED_BY]-(d:Device)
  WHERE $select.devices
  WITH d, min(u.firstSeen) AS firstSeen, max(u.lastSeen) AS lastSeen
  ORDER BY lastSeen DESC
  RETURN collect([d.id, d.type, d.model, d.manufacturer, d.os, firstSeen.epochMillis, lastSeen.epochMillis]) AS devices
}
CALL (profiles) {
  UNWIND profiles AS p
  MATCH (p)-[:GAVE_CONSENT]->(k:Consent)
  WHERE $select.consents
  // In force first: newest occurredAt, then the more restrictive status, then the later recorded (as consent/current).
  WITH p, k
  ORDER BY k.purpose, k.occurredAt DESC, CASE k.status WHEN 'WITHDRAWN' THEN 2 WHEN 'DENIED' THEN 1 ELSE 0 END DESC, k.recordedAt DESC, k.id DESC
  RETURN collect(
    [k.purpose, k.status] +
    CASE WHEN $select.consentDetails
      THEN [k.id, k.source, k.causeKind, k.cause, k.occurredAt.epochMillis, k.recordedAt.epochMillis, p.id]
      ELSE []
    END
  ) AS consents
}
RETURN key,
  [property IN $select.customer |
    CASE property
      WHEN 'createdAt' THEN c.createdAt.epochMillis
      WHEN 'updatedAt' THEN c.updatedAt.epochMillis
      ELSE c[property]
    END
  ] AS customer,
  identifiers,
  devices,
  consents
