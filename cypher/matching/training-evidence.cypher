// The evidence log's entries that observed attributes, a page at a time in key order; `source` narrows it to one
// source when given.
MATCH (n:Ingestion)
WHERE n.key > $after AND n.evidence IS NOT NULL AND n.evidence CONTAINS '"obs":'
WITH n ORDER BY n.key LIMIT toInteger($limit)
RETURN n.key AS key, n.evidence AS evidence
