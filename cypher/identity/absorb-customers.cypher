// Merges each absorbed customer into its survivor. Identifiers, source records, match keys and keep-apart sides move
// (they decide future resolution); devices, consents, conflicts and merges stay on the original profile for provenance and are
// read through MERGED_INTO. Earlier merges into the absorbed one are re-pointed, so MERGED_INTO is one hop.
UNWIND $absorptions AS row
MATCH (x:Customer {id: row.absorbedId}), (s:Customer {id: row.survivorId})
SET x.status = 'MERGED', x.mergedInto = s.id, x.mergedAt = datetime($now), x.updatedAt = datetime($now),
    s.updatedAt = datetime($now),
    s.apart = CASE WHEN x.apart IS NULL THEN s.apart
                   ELSE coalesce(s.apart, []) + [mark IN x.apart WHERE NOT mark IN coalesce(s.apart, [])] END
CREATE (x)-[:MERGED_INTO {at: datetime($now)}]->(s)
WITH x, s
CALL (x, s) {
  MATCH (i:Identifier)-[r:IDENTIFIES]->(x)
  CREATE (i)-[moved:IDENTIFIES]->(s)
  SET moved = properties(r), moved.originalCustomerId = coalesce(r.originalCustomerId, x.id)
  DELETE r
}
CALL (x, s) {
  MATCH (record:SourceRecord)-[r:DESCRIBES]->(x)
  CREATE (record)-[moved:DESCRIBES]->(s)
  SET moved = properties(r), moved.originalCustomerId = coalesce(r.originalCustomerId, x.id)
  DELETE r
}
CALL (x, s) {
  MATCH (k:MatchKey)-[r:BLOCKS]->(x)
  MERGE (k)-[:BLOCKS]->(s)
  DELETE r
}
CALL (x, s) {
  MATCH (earlier:Customer)-[r:MERGED_INTO]->(x)
  CREATE (earlier)-[:MERGED_INTO {at: r.at}]->(s)
  SET earlier.mergedInto = s.id
  DELETE r
}
