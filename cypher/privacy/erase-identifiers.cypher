// One bounded batch; the caller repeats until nothing is left.
MATCH (i:Identifier)-[:IDENTIFIES]->(c:Customer)
WHERE c.id IN $profileIds
WITH i LIMIT toInteger($limit)
DETACH DELETE i
RETURN count(*) AS removed
