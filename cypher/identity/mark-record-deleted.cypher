// A source deleted its record: the record, described no one now, goes; a tombstone remembers up to which version it
// was deleted, so a late older version is not applied (a newer one creates the record again).
OPTIONAL MATCH (r:SourceRecord {key: $key})
WHERE NOT (r)-[:DESCRIBES]->()
DETACH DELETE r
WITH DISTINCT 1 AS done
MERGE (d:DeletedRecord {key: $key})
ON CREATE SET d.deletedUpTo = datetime($upTo)
SET d.deletedUpTo = CASE WHEN datetime($upTo) > d.deletedUpTo THEN datetime($upTo) ELSE d.deletedUpTo END,
    d.deletedAt = datetime($now)
