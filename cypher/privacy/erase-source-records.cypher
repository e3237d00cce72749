MATCH (r:SourceRecord)-[:DESCRIBES]->(c:Customer)
WHERE c.id IN $profileIds
WITH r LIMIT toInteger($limit)
DETACH DELETE r
RETURN count(*) AS removed
