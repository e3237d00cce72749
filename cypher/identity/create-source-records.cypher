// Records this batch saw first: CREATE, so a concurrent batch creating the same record collides on the unique
// key and re-reads, instead of leaving one record describing two customers.
UNWIND $records AS row
MATCH (c:Customer {id: row.customerId})
CREATE (r:SourceRecord {
  key: row.key,
  source: row.source,
  externalId: row.externalId,
  attributes: row.attributes,
  updatedAt: datetime(row.updatedAt),
  createdAt: datetime($now),
  receivedAt: datetime($now)
})
CREATE (r)-[:DESCRIBES]->(c)
SET c.updatedAt = datetime($now)
