// A merge to undo, write-locked so it is undone once, with the profiles it joined as recorded.
MATCH (m:Merge {id: $id})-[:SURVIVOR]->(s:Customer)
SET m.id = m.id
WITH m, s
MATCH (m)-[:ABSORBED]->(x:Customer)
WITH m, s.id AS survivorId, s.status AS survivorStatus, collect(x.id) AS absorbedIds, collect(x.status) AS absorbedStatuses
RETURN m.at.epochMillis AS atMs, m.undoneBy AS undoneBy, survivorId, [survivorStatus] + absorbedStatuses AS statuses, absorbedIds
