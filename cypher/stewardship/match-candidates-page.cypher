// The review queue, oldest first: keyset on id (uuidv7, so creation order), in index order. Each side is named by
// the active customer it is part of today. An open pair merged since (both sides one customer), or kept apart since
// (the two hold opposite sides of one constraint, marks `<constraint id>:<side>`: src/identity/keep-apart.ts), is
// settled and left out.
MATCH (m:MatchCandidate)
WHERE m.status = $status AND m.id > $after
WITH m ORDER BY m.id
CALL (m) {
  MATCH (m)-[:CANDIDATE]->(c:Customer)
  OPTIONAL MATCH (active:Customer {id: coalesce(c.mergedInto, c.id)})
  WITH active ORDER BY active.id
  RETURN collect(active.id) AS customerIds, collect(coalesce(active.apart, [])) AS apart
}
WITH m, customerIds, apart
WHERE m.status <> 'OPEN'
   OR size(customerIds) = 2 AND customerIds[0] <> customerIds[1]
      AND none(mark IN apart[0] WHERE any(other IN apart[1] WHERE other <> mark AND split(other, ':')[0] = split(mark, ':')[0]))
RETURN m {.id, .status, .probability, .weight, .contributions, .modelVersion, .causeKind, .cause, .decisionId, .decidedBy, .note,
          createdAt: m.createdAt.epochMillis, updatedAt: m.updatedAt.epochMillis, decidedAt: m.decidedAt.epochMillis} AS candidate,
       customerIds
ORDER BY m.id
LIMIT toInteger($limit)
