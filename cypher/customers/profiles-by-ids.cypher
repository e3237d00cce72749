// A customer with what most reads ask for (identifiers, devices, consents) in one query: a profile read costs
// one round trip. Rarer, heavier details (why an identifier is linked, device sharing, attribute lineage) have
// loaders of their own, so a plain profile read never pays for them. Times come as epoch milliseconds: decoding
// zoned DateTime values costs the server and the driver more than the rest of the read (measured).
// Only what $select asks for comes back (a fixed text: the selection is a parameter), as positional lists that
// customer.repository names: property names repeated in every row cost the driver more to decode than the values.
// An absorbed id resolves to its survivor. The tail is shared with profiles-by-identifier-keys.
UNWIND $ids AS askedId
MATCH (asked:Customer {id: askedId})
// An absorbed customer names its survivor (absorb-customers keeps it one hop): a property read, where following
// MERGED_INTO scanned every relationship of every customer asked for (8 of a read's 80 db hits).
OPTIONAL MATCH (survivor:Customer {id: asked.mergedInto})
WITH askedId, coalesce(survivor, asked) AS c
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
RETURN askedId,
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
