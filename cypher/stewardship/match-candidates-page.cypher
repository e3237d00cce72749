// The review queue, oldest first: keyset on id (uuidv7, so creation order), in index order. Each side is named by
// the active customer it is part of today; an open pair merged since (both sides one customer) is no longer a
// question and is left out.
MATCH (m:MatchCandidate)
WHERE m.status = $status AND m.id > $after
WITH m ORDER BY m.id
CALL (m) {
  MATCH (m)-[:CANDIDATE]->(c:Customer)
  WITH coalesce(c.mergedInto, c.id) AS id ORDER BY id
  RETURN collect(id) AS customerIds
}
WITH m, customerIds
WHERE m.status <> 'OPEN' OR size(customerIds) = 2 AND customerIds[0] <> customerIds[1]
RETURN m {.id, .status, .probability, .weight, .contributions, .modelVersion, .causeKind, .cause, .decisionId, .decidedBy, .note,
          createdAt: m.createdAt.epochMillis, updatedAt: m.updatedAt.epochMillis, decidedAt: m.decidedAt.epochMillis} AS candidate,
       customerIds
LIMIT toInteger($limit)
