// Records a source deleted, with the newest version deleted: a version up to it is not applied.
UNWIND $keys AS key
MATCH (d:DeletedRecord {key: key})
RETURN d.key AS key, d.deletedUpTo.epochMillis AS deletedUpToMs
