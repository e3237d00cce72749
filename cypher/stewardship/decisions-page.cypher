// Steward decisions, oldest first: keyset on id (uuidv7, so decision order).
MATCH (d:StewardDecision)
WHERE d.id > $after
RETURN d {.id, .kind, .actor, .note, .customerIds, .customerId, .matchCandidateId, at: d.at.epochMillis} AS decision
ORDER BY d.id
LIMIT toInteger($limit)
