// The customer each source record describes now (after every merge): what bench:match scores.
UNWIND $keys AS key
MATCH (:SourceRecord {key: key})-[:DESCRIBES]->(c:Customer)
RETURN key, c.id AS customerId
