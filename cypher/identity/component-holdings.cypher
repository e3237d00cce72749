// What a component's profiles hold now, for a re-resolution to compare with what the evidence makes of them: each
// profile's state, the identifier and record keys (on active profiles), device use and consent statements (on the
// profile an item landed on; `givenFor`: the customer a setConsent call named), and the merges in force.
WITH $ids AS ids
RETURN
  COLLECT { MATCH (c:Customer) WHERE c.id IN ids RETURN {id: c.id, createdAt: c.createdAt.epochMillis, mergedInto: c.mergedInto} } AS profiles,
  COLLECT { MATCH (i:Identifier)-[:IDENTIFIES]->(c:Customer) WHERE c.id IN ids RETURN {key: i.key, customerId: c.id} } +
  COLLECT { MATCH (r:SourceRecord)-[:DESCRIBES]->(c:Customer) WHERE c.id IN ids RETURN {key: r.key, customerId: c.id} } AS keys,
  COLLECT { MATCH (d:Device)-[:USED_BY]->(c:Customer) WHERE c.id IN ids RETURN {deviceId: d.id, profileId: c.id} } AS deviceUses,
  COLLECT { MATCH (c:Customer)-[:GAVE_CONSENT]->(k:Consent) WHERE c.id IN ids RETURN {consentId: k.id, cause: k.cause, givenFor: k.givenFor, profileId: c.id} } AS consents,
  COLLECT {
    MATCH (m:Merge)-[:SURVIVOR]->(s:Customer)
    WHERE s.id IN ids AND m.undoneBy IS NULL
    RETURN {id: m.id, survivorId: s.id, absorbedIds: COLLECT { MATCH (m)-[:ABSORBED]->(x:Customer) RETURN x.id }}
  } AS merges
