// The customer a statement is for: an absorbed id stands for its survivor. Write-locked (the same lock identity
// resolution takes) so a concurrent batch can neither merge it away nor add statements until this commits.
MATCH (asked:Customer {id: $id})
OPTIONAL MATCH (asked)-[:MERGED_INTO]->(survivor:Customer)
WITH coalesce(survivor, asked) AS c
SET c.resolvedAt = datetime($now)
RETURN c.id AS customerId, c.status AS status
