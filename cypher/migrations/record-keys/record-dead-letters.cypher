// Dead letters of records, a page at a time in their sort order, to recompute the messageId from the payload.
MATCH (d:DeadLetter)
WHERE d.sortKey > $after AND d.kind = 'RECORD'
RETURN d.id AS id, d.sortKey AS sortKey, d.messageId AS messageId, d.payload AS payload
ORDER BY d.sortKey
LIMIT toInteger($batch)
