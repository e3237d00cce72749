// A page of raw dead-letter payloads, in sort-key order, for the erasure to read through.
MATCH (d:DeadLetter)
WHERE d.sortKey > $after
RETURN d.id AS id, d.sortKey AS sortKey, d.payload AS payload
ORDER BY d.sortKey
LIMIT toInteger($limit)
