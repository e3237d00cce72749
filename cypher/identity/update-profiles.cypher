// The golden record is stored flat on the customer for querying; candidates and the source of each golden value
// (the lineage, resolved against the candidates when read) as JSON.
UNWIND $profiles AS row
MATCH (c:Customer {id: row.customerId})
SET c += row.golden,
    c.candidates = row.candidates,
    c.goldenSources = row.sources,
    c.matchRecords = row.matchRecords,
    c.updatedAt = datetime($now)
