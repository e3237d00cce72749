// Last: until here the profiles are what every earlier step, and a resumed run, finds the person's data by. Their
// match keys (hashes of their attributes) and review candidates go with them when no one else holds them.
MATCH (c:Customer)
WHERE c.id IN $profileIds
WITH c LIMIT toInteger($limit)
CALL (c) {
  OPTIONAL MATCH (c)<-[:CANDIDATE]-(m:MatchCandidate)
  DETACH DELETE m
}
CALL (c) {
  MATCH (c)<-[:BLOCKS]-(k:MatchKey)
  WHERE COUNT { (k)-[:BLOCKS]->() } = 1
  DETACH DELETE k
}
DETACH DELETE c
RETURN count(*) AS removed
