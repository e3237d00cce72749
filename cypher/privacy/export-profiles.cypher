// Every profile of one person, the survivor first, then those merged into it, with all their stored attributes.
MATCH (asked:Customer {id: $id})
OPTIONAL MATCH (asked)-[:MERGED_INTO]->(survivor:Customer)
WITH coalesce(survivor, asked) AS c
OPTIONAL MATCH (absorbed:Customer)-[:MERGED_INTO]->(c)
WITH c, absorbed ORDER BY absorbed.createdAt, absorbed.id
WITH c, collect(absorbed) AS absorbed
WITH [c] + absorbed AS profiles
UNWIND range(0, size(profiles) - 1) AS position
WITH profiles[position] AS p, position
RETURN p {
  .id, .status, .createdAt, .updatedAt, .mergedInto, .mergedAt, .candidates, .goldenSources,
  .firstName, .lastName, .email, .phone, .birthday, .gender, .company,
  .street, .city, .postalCode, .state, .country
} AS profile
ORDER BY position
