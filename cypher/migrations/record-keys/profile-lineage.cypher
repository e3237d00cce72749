// The candidates and lineage (JSON, with the record key of each value) of every profile of the customers the records
// describe, so the caller can rewrite the keys in them.
UNWIND $ids AS id
MATCH (record:SourceRecord)-[:DESCRIBES]->(c:Customer) WHERE elementId(record) = id
OPTIONAL MATCH (absorbed:Customer)-[:MERGED_INTO]->(c)
WITH c, collect(absorbed) AS absorbed
UNWIND [c] + absorbed AS profile
WITH DISTINCT profile
RETURN elementId(profile) AS id, profile.candidates AS candidates, profile.attributeLineage AS lineage
