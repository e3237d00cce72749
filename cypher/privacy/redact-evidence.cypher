UNWIND $rows AS row
MATCH (n:Ingestion {key: row.key})
SET n.evidence = row.evidence
