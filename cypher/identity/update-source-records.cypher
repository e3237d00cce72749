// A record's raw attributes are replaced only by a newer version of it (by updatedAt), never by a late older one.
// The record already describes this customer: the batch locked it through the record's key.
UNWIND $records AS row
MATCH (r:SourceRecord {key: row.key})-[:DESCRIBES]->(c:Customer {id: row.customerId})
WITH r, c, row, datetime(row.updatedAt) >= r.updatedAt AS newer
SET r.attributes = CASE WHEN newer THEN row.attributes ELSE r.attributes END,
    r.updatedAt = CASE WHEN newer THEN datetime(row.updatedAt) ELSE r.updatedAt END,
    r.receivedAt = datetime($now),
    c.updatedAt = datetime($now)
RETURN count(*) AS matched
