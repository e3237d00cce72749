// Customers in creation order: ids are UUIDv7, so the unique id index is read in order and the cursor is the id.
MATCH (c:Customer)
WHERE c.id > $after
  AND c.status = $status
  AND ($updatedSince IS NULL OR c.updatedAt >= datetime($updatedSince))
  AND ($country IS NULL OR c.country = $country)
  AND ($identifierType IS NULL OR EXISTS { (c)<-[:IDENTIFIES]-(:Identifier {type: $identifierType}) })
RETURN c {
  .id, .status, createdAt: c.createdAt.epochMillis, updatedAt: c.updatedAt.epochMillis,
  .firstName, .lastName, .email, .phone, .birthday, .gender, .company,
  .street, .city, .postalCode, .state, .country
} AS customer
ORDER BY c.id
LIMIT toInteger($limit)
