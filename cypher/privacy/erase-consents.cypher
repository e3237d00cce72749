MATCH (c:Customer)-[:GAVE_CONSENT]->(k:Consent)
WHERE c.id IN $profileIds
WITH k LIMIT toInteger($limit)
DETACH DELETE k
RETURN count(*) AS removed
