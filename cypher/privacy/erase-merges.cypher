// Merges only ever join profiles of one person, so every Merge touching them is theirs (with viaValue PII).
MATCH (m:Merge)-[:SURVIVOR|ABSORBED]->(c:Customer)
WHERE c.id IN $profileIds
WITH DISTINCT m LIMIT toInteger($limit)
DETACH DELETE m
RETURN count(*) AS removed
