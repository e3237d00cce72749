// The golden record is stored flat on the customer for querying; candidates and lineage as JSON.
UNWIND $profiles AS row
MATCH (c:Customer {id: row.customerId})
SET c += row.golden,
    c.candidates = row.candidates,
    c.attributeLineage = row.lineage,
    c.updatedAt = datetime($now)
