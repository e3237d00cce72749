// Behaviour facts (TRACK counts per bucket) are about the person: they go with the profiles.
MATCH (c:Customer)-[:PERFORMED]->(b:Behaviour)
WHERE c.id IN $profileIds
WITH b LIMIT toInteger($limit)
DETACH DELETE b
RETURN count(*) AS removed
