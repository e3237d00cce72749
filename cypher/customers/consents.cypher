UNWIND $ids AS customerId
MATCH (:Customer {id: customerId})<-[:MERGED_INTO*0..1]-(profile:Customer)-[:GAVE_CONSENT]->(k:Consent)
RETURN customerId, k {.*, profileId: profile.id} AS consent
ORDER BY customerId, consent.purpose, consent.occurredAt DESC, consent.recordedAt DESC
