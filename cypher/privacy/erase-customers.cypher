// Last: until here the profiles are what every earlier step, and a resumed run, finds the person's data by. Their
// match keys (hashes of their attributes) go with them unless someone else holds them too, and so do the review
// candidates that name them.
MATCH (c:Customer)
WHERE c.id IN $profileIds
WITH c LIMIT toInteger($limit)
CALL (c) {
  OPTIONAL MATCH (c)<-[:CANDIDATE]-(m:MatchCandidate)
  DETACH DELETE m
}
CALL (c) {
  MATCH (c)<-[:BLOCKS]-(k:MatchKey)
  WHERE NOT EXISTS { (k)-[:BLOCKS]->(other:Customer) WHERE other <> c }
  DETACH DELETE k
}
DETACH DELETE c
RETURN count(*) AS removed
