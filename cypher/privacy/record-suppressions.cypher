// Hashes only: the values themselves are erased. MERGE, so a resumed or repeated erasure adds nothing twice.
UNWIND $hashes AS hash
MERGE (s:Suppression {hash: hash})
ON CREATE SET s.createdAt = datetime($now), s.erasureRequestId = $requestId, s.created = true
WITH s, coalesce(s.created, false) AS created
REMOVE s.created
RETURN count(CASE WHEN created THEN 1 END) AS created
