// The active customers holding the batch's match keys, with their match records, read without locks: the batch
// scores them first and locks only those it may merge with or send to review. A key more than $maxBlock customers
// hold is too common to be evidence and is not followed. Written as one IN-list seek: as UNWIND + MATCH, planned
// while the index was nearly empty, it scanned the whole index for every key (77 million rows, 14 s a batch).
MATCH (k:MatchKey)
USING INDEX k:MatchKey(key)
WHERE k.key IN $keys AND COUNT { (k)-[:BLOCKS]->() } <= $maxBlock
MATCH (k)-[:BLOCKS]->(c)
WHERE c.mergedInto IS NULL
RETURN c.id AS customerId, c.matchRecords AS matchRecords, collect(k.key) AS keys
