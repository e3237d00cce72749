UNWIND $ids AS customerId
MATCH (:Customer {id: customerId})<-[:MERGED_INTO*0..1]-(profile:Customer)<-[:SURVIVOR|ABSORBED]-(m:Merge)
WITH DISTINCT customerId, m
MATCH (m)-[:SURVIVOR]->(survivor:Customer)
MATCH (m)-[a:ABSORBED]->(absorbed:Customer)
WITH customerId, m, survivor, collect({
  customerId: absorbed.id, viaType: a.viaType, viaValue: a.viaValue, viaRecordKey: a.viaRecordKey,
  matchProbability: a.matchProbability, matchWeight: a.matchWeight, matchContributions: a.matchContributions, modelVersion: a.modelVersion
}) AS absorbed
RETURN customerId, m {.*, survivorId: survivor.id, absorbed: absorbed} AS merge
ORDER BY customerId, merge.at, merge.id
