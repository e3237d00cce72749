// A merge to undo, write-locked so it is undone once, with the profiles it joined as recorded.
MATCH (m:Merge {id: $id})-[:SURVIVOR]->(s:Customer)
SET m.id = m.id
WITH m, s
MATCH (m)-[:ABSORBED]->(x:Customer)
WITH m, s, collect(x) AS absorbed
// An erasure marks the active customer it erases (and goes on to its merged profiles).
RETURN m.at.epochMillis AS atMs, m.undoneBy AS undoneBy, s.id AS survivorId, [x IN absorbed | x.id] AS absorbedIds,
       any(c IN [s] + absorbed WHERE c.erasureRequestId IS NOT NULL
           OR EXISTS { MATCH (c)-[:MERGED_INTO]->(active:Customer) WHERE active.erasureRequestId IS NOT NULL }) AS erasing
