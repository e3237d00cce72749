// The profile a source record describes now, and the version it was last given (null: no such record, or it is
// detached).
OPTIONAL MATCH (r:SourceRecord {key: $key})
OPTIONAL MATCH (r)-[:DESCRIBES]->(c:Customer)
RETURN c.id AS customerId, r.updatedAt.epochMillis AS updatedAtMs
