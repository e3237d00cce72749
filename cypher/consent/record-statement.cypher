// One statement per idempotency key: a retried setConsent finds the statement its first attempt wrote (MERGE on
// the unique key also makes two concurrent attempts meet) and changes nothing.
MATCH (c:Customer {id: $customerId})
MERGE (k:Consent {key: $key})
ON CREATE SET
  k.id = $id,
  k.purpose = $purpose,
  k.status = $status,
  k.source = $source,
  k.occurredAt = datetime($occurredAt),
  k.recordedAt = datetime($now),
  k.causeKind = 'API',
  k.cause = $cause,
  k.givenFor = $givenFor
WITH c, k, k.id = $id AS created
FOREACH (_ IN CASE WHEN created THEN [1] ELSE [] END |
  CREATE (c)-[:GAVE_CONSENT]->(k)
  SET c.updatedAt = datetime($now)
)
WITH k, created
MATCH (p:Customer)-[:GAVE_CONSENT]->(k)
RETURN created, k {
  .id, .purpose, .status, .source, .causeKind, .cause, .occurredAt, .recordedAt, profileId: p.id
} AS statement
