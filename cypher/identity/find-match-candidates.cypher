// The active customers holding the batch's match keys, with their match records, read without locks: the batch
// scores them first and locks only those it may merge with or send to review. A key more than $maxBlock customers
// hold is too common to be evidence and is not followed. The index hint: a plan made while there were no match keys
// yet (at start-up, on an empty database) would scan the label for each key once there are thousands.
UNWIND $keys AS key
MATCH (k:MatchKey {key: key})
USING INDEX k:MatchKey(key)
WHERE COUNT { (k)-[:BLOCKS]->() } <= $maxBlock
MATCH (k)-[:BLOCKS]->(c:Customer)
WHERE c.mergedInto IS NULL
RETURN c.id AS customerId, c.matchRecords AS matchRecords, collect(key) AS keys
