// An absorbed id resolves to its survivor (MERGED_INTO is kept one hop deep).
UNWIND $ids AS askedId
MATCH (asked:Customer {id: askedId})
OPTIONAL MATCH (asked)-[:MERGED_INTO]->(survivor:Customer)
WITH askedId, coalesce(survivor, asked) AS c
RETURN askedId, c {
  .id, .status, .createdAt, .updatedAt, .attributeLineage,
  .firstName, .lastName, .email, .phone, .birthday, .gender, .company,
  .street, .city, .postalCode, .state, .country
} AS customer
