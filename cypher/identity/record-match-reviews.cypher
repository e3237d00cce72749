// Pairs scored between the review and merge thresholds: open candidates for a steward, with the score explained.
UNWIND $reviews AS row
MATCH (a:Customer {id: row.customerId}), (b:Customer {id: row.candidateId})
CREATE (m:MatchCandidate {
  id: row.id,
  status: 'OPEN',
  probability: row.probability,
  weight: row.weight,
  contributions: row.contributions,
  modelVersion: row.modelVersion,
  causeKind: row.causeKind,
  cause: row.cause,
  createdAt: datetime($now)
})
CREATE (m)-[:CANDIDATE]->(a)
CREATE (m)-[:CANDIDATE]->(b)
