// A record's raw attributes are replaced only by a newer version of it (by updatedAt), never by a late older one.
UNWIND $records AS row
MATCH (c:Customer {id: row.customerId})
MERGE (r:SourceRecord {key: row.key})
ON CREATE SET r.source = row.source, r.externalId = row.externalId, r.createdAt = datetime($now)
WITH r, c, row, r.updatedAt IS NULL OR datetime(row.updatedAt) >= r.updatedAt AS newer
SET r.attributes = CASE WHEN newer THEN row.attributes ELSE r.attributes END,
    r.updatedAt = CASE WHEN newer THEN datetime(row.updatedAt) ELSE r.updatedAt END,
    r.receivedAt = datetime($now),
    c.updatedAt = datetime($now)
MERGE (r)-[:DESCRIBES]->(c)
