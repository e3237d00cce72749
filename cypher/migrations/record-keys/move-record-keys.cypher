// A record's key and everything that names it by key, from row.from to row.to: the links, consents, merges and
// conflicts it caused (found from the customer it describes and the profiles merged into that customer).
UNWIND $moves AS row
MATCH (record:SourceRecord) WHERE elementId(record) = row.id
SET record.key = row.to
WITH record, row
MATCH (record)-[:DESCRIBES]->(c:Customer)
OPTIONAL MATCH (absorbed:Customer)-[:MERGED_INTO]->(c)
WITH row, c, collect(absorbed) AS absorbed
WITH row, c, [c] + absorbed AS profiles
CALL (c, row) {
  MATCH (:Identifier)-[link:IDENTIFIES]->(c)
  WHERE link.cause = row.from
  SET link.cause = row.to
}
CALL (profiles, row) {
  UNWIND profiles AS profile
  MATCH (profile)-[:GAVE_CONSENT]->(consent:Consent)
  WHERE consent.cause = row.from
  SET consent.cause = row.to
}
CALL (profiles, row) {
  UNWIND profiles AS profile
  MATCH (merge:Merge)-[:SURVIVOR]->(profile)
  SET merge.cause = CASE WHEN merge.cause = row.from THEN row.to ELSE merge.cause END
  WITH merge
  MATCH (merge)-[via:ABSORBED]->()
  WHERE via.viaRecordKey = row.from
  SET via.viaRecordKey = row.to
}
CALL (profiles, row) {
  UNWIND profiles AS profile
  MATCH (conflict:Conflict)-[:CONFLICT_ON]->(profile)
  WHERE conflict.cause = row.from OR conflict.lastCause = row.from
  SET conflict.cause = CASE WHEN conflict.cause = row.from THEN row.to ELSE conflict.cause END,
      conflict.lastCause = CASE WHEN conflict.lastCause = row.from THEN row.to ELSE conflict.lastCause END
}
RETURN count(*) AS moved
