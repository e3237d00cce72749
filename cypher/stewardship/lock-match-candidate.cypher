// One review candidate, write-locked so two stewards cannot decide it twice, with the customers it names as stored.
MATCH (m:MatchCandidate {id: $id})
SET m.id = m.id
WITH m
MATCH (m)-[:CANDIDATE]->(c:Customer)
WITH m, c ORDER BY c.id
RETURN m.status AS status, collect(c.id) AS customerIds
