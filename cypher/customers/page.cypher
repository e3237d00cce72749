// Customers in creation order: ids are UUIDv7, so the unique id index is read in order and the cursor is the id.
MATCH (c:Customer)
WHERE c.id > $after
  AND c.status = $status
  AND ($updatedSince IS NULL OR c.updatedAt >= datetime($updatedSince))
  AND ($country IS NULL OR c.country = $country)
  AND ($identifierType IS NULL OR EXISTS { (c)<-[:IDENTIFIES]-(:Identifier {type: $identifierType}) })
  // A principal acting for a purpose sees only customers whose newest statement for it (on the customer or any
  // profile merged into it; the order of consent/current.cypher) is GRANTED.
  AND ($purpose IS NULL OR COLLECT {
    // An absorbed customer (status MERGED) is the person its survivor is: the survivor's consent decides.
    OPTIONAL MATCH (c)-[:MERGED_INTO]->(survivor:Customer)
    WITH coalesce(survivor, c) AS person
    MATCH (person)<-[:MERGED_INTO*0..1]-(:Customer)-[:GAVE_CONSENT]->(k:Consent {purpose: $purpose})
    RETURN k.status
    ORDER BY k.occurredAt DESC, CASE k.status WHEN 'WITHDRAWN' THEN 2 WHEN 'DENIED' THEN 1 ELSE 0 END DESC, k.recordedAt DESC, k.id DESC
    LIMIT 1
  } = ['GRANTED'])
RETURN c {
  .id, .status, createdAt: c.createdAt.epochMillis, updatedAt: c.updatedAt.epochMillis,
  .firstName, .lastName, .email, .phone, .birthday, .gender, .company,
  .street, .city, .postalCode, .state, .country
} AS customer
ORDER BY c.id
LIMIT toInteger($limit)
