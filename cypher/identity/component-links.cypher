// The profiles whose items bear on how these ones resolve: merged with them, in conflict with them over an
// identifier one of them was refused, users of a shared device one of them used, left apart from them by a
// re-resolution, or scored against them for review (other rules or thresholds may merge them).
UNWIND $ids AS id
MATCH (c:Customer {id: id})
CALL (c) {
  MATCH (c)-[:MERGED_INTO|SEPARATED_FROM]-(other:Customer)
  RETURN other
  UNION
  MATCH (c)<-[:CONFLICT_ON|CONFLICTS_WITH]-(:Conflict)-[:CONFLICT_ON|CONFLICTS_WITH]->(other:Customer)
  RETURN other
  UNION
  MATCH (c)<-[:USED_BY]-(d:Device)-[:USED_BY]->(other:Customer)
  WHERE d.sharedAt IS NOT NULL
  RETURN other
  UNION
  MATCH (c)<-[:CANDIDATE]-(:MatchCandidate)-[:CANDIDATE]->(other:Customer)
  RETURN other
}
WITH DISTINCT other
WHERE NOT other.id IN $ids
// Enough to tell the component is too large, never a whole shared-device hub.
WITH other LIMIT toInteger($limit)
RETURN collect(other.id) AS ids
