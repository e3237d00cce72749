// Refusals on the person go with them.
MATCH (x:Conflict)-[:CONFLICT_ON]->(c:Customer)
WHERE c.id IN $profileIds
WITH DISTINCT x LIMIT toInteger($limit)
DETACH DELETE x
RETURN count(*) AS removed
