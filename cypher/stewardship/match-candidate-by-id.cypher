// One review candidate, as the queue shows it (each side as the active customer it is part of today).
MATCH (m:MatchCandidate {id: $id})
CALL (m) {
  MATCH (m)-[:CANDIDATE]->(c:Customer)
  WITH coalesce(c.mergedInto, c.id) AS id ORDER BY id
  RETURN collect(id) AS customerIds
}
RETURN m {.id, .status, .probability, .weight, .contributions, .modelVersion, .causeKind, .cause, .decisionId, .decidedBy, .note,
          createdAt: m.createdAt.epochMillis, updatedAt: m.updatedAt.epochMillis, decidedAt: m.decidedAt.epochMillis} AS candidate,
       customerIds
