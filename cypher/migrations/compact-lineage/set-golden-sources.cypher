UNWIND $profiles AS row
MATCH (c:Customer {id: row.id})
SET c.goldenSources = row.sources
REMOVE c.attributeLineage
