// Records parked under a temporary key by the first pass (see src/ingestion/record-keys.migration.ts).
MATCH (r:SourceRecord)
WHERE r.key STARTS WITH $prefix
RETURN elementId(r) AS id, r.key AS key, r.source AS source, r.externalId AS externalId
LIMIT toInteger($batch)
