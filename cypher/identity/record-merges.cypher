UNWIND $merges AS row
MATCH (s:Customer {id: row.survivorId})
CREATE (m:Merge {id: row.id, at: datetime($now), ruleVersion: $ruleVersion, causeKind: row.causeKind, cause: row.cause})
CREATE (m)-[:SURVIVOR]->(s)
WITH m, row
UNWIND row.absorbed AS absorbed
MATCH (x:Customer {id: absorbed.customerId})
CREATE (m)-[:ABSORBED {
  viaType: absorbed.viaType,
  viaValue: absorbed.viaValue,
  viaRecordKey: absorbed.viaRecordKey,
  matchProbability: absorbed.matchProbability,
  matchWeight: absorbed.matchWeight,
  matchContributions: absorbed.matchContributions,
  modelVersion: absorbed.modelVersion
}]->(x)
