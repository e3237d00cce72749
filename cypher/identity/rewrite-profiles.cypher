// Re-resolution sets each profile of a component to what the evidence makes of it: active, or merged into the
// customer it is part of now (MERGED_INTO one hop, as absorb keeps it). A profile that stays merged into the same
// customer keeps when it was merged.
UNWIND $profiles AS row
MATCH (c:Customer {id: row.id})
OPTIONAL MATCH (c)-[old:MERGED_INTO]->(:Customer)
DELETE old
WITH DISTINCT c, row
SET c.mergedAt = CASE WHEN row.mergedInto IS NULL THEN null WHEN c.mergedInto = row.mergedInto THEN c.mergedAt ELSE datetime($now) END,
    c.status = CASE WHEN row.mergedInto IS NULL THEN 'ACTIVE' ELSE 'MERGED' END,
    c.mergedInto = row.mergedInto,
    c.apart = row.apart,
    c.updatedAt = datetime($now)
WITH c, row
WHERE row.mergedInto IS NOT NULL
MATCH (s:Customer {id: row.mergedInto})
CREATE (c)-[:MERGED_INTO {at: c.mergedAt}]->(s)
