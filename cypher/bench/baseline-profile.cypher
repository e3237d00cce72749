// The read benchmark's baseline: one hand-written query for what the full stack's profile lookup returns.
MATCH (:Identifier {key: $key})-[:IDENTIFIES]->(c:Customer)
RETURN c {
  .id, .firstName, .lastName, .email,
  identifiers: [(c)<-[:IDENTIFIES]-(i:Identifier) | {type: i.type, value: i.value}],
  devices: [(c)<-[:USED_BY]-(d:Device) | {id: d.id, model: d.model}],
  consents: [(c)-[:GAVE_CONSENT]->(k:Consent) | {purpose: k.purpose, status: k.status}]
} AS customer
