// Pairs scored between the review and merge thresholds (or refused a merge by merge protection): one open candidate
// per pair for a steward, with the latest score explained. Returns the candidates this statement created (their id
// is the row's), which review screens are told of.
UNWIND $reviews AS row
MATCH (a:Customer {id: row.customerId}), (b:Customer {id: row.candidateId})
MERGE (m:MatchCandidate {pair: row.pair})
ON CREATE SET m.id = row.id, m.status = 'OPEN', m.createdAt = datetime($now)
SET m.probability = row.probability,
    m.weight = row.weight,
    m.contributions = row.contributions,
    m.modelVersion = row.modelVersion,
    m.causeKind = row.causeKind,
    m.cause = row.cause,
    m.updatedAt = datetime($now)
MERGE (m)-[:CANDIDATE]->(a)
MERGE (m)-[:CANDIDATE]->(b)
WITH DISTINCT m, row
WHERE m.id = row.id
RETURN m.id AS id
