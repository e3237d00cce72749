// A steward decided the pair: it leaves the open queue with the decision that settled it.
MATCH (m:MatchCandidate {id: $id})
SET m.status = $status, m.decisionId = $decisionId, m.decidedAt = datetime($now), m.decidedBy = $actor, m.note = $note,
    m.updatedAt = datetime($now)
