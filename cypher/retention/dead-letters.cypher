// Dead letters first rejected before the cutoff, open or resolved: they keep raw payloads. sortKey starts with
// the creation time, so its index answers the range.
MATCH (d:DeadLetter)
WHERE d.sortKey < $cutoffSortKey
WITH d LIMIT toInteger($batch)
DELETE d
RETURN count(*) AS removed
