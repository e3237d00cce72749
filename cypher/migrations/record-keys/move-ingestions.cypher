// Idempotency keys of a record's versions (`<record key>@<updatedAt>`; the time holds no '@'). A key already taken
// (an orphaned entry of another record) keeps its entry: a replay of that version is a DUPLICATE either way.
UNWIND $moves AS row
MATCH (n:Ingestion)
WHERE n.key STARTS WITH row.from + '@' AND NOT substring(n.key, size(row.from) + 1) CONTAINS '@'
WITH n, row.to + substring(n.key, size(row.from)) AS moved
OPTIONAL MATCH (taken:Ingestion {key: moved})
FOREACH (_ IN CASE WHEN taken IS NULL THEN [1] ELSE [] END | SET n.key = moved)
FOREACH (_ IN CASE WHEN taken IS NULL THEN [] ELSE [1] END | DELETE n)
RETURN count(*) AS moved
