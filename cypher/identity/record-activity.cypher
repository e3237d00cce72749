// Behaviour facts, kept compact: every event moves the customer's lastSeenMs; a TRACK adds to the count of its
// bucket (epoch ms of the bucket's start) on one Behaviour node per customer and event name, which also keeps the
// all-time total and the last occurrence. Buckets older than the retention are dropped as the node is written.
// One row per (customer, event): the caller has summed the batch's events per bucket.
UNWIND $activities AS row
MATCH (c:Customer {id: row.customerId})
SET c.lastSeenMs = CASE WHEN c.lastSeenMs IS NULL OR row.lastAt > c.lastSeenMs THEN toInteger(row.lastAt) ELSE c.lastSeenMs END
WITH c, row
WHERE row.event IS NOT NULL
MERGE (c)-[:PERFORMED]->(b:Behaviour {event: row.event})
ON CREATE SET b.buckets = [], b.counts = [], b.total = 0
WITH b, row,
     [i IN range(0, size(b.buckets) - 1) WHERE b.buckets[i] >= $keepFrom | {bucket: b.buckets[i], count: b.counts[i]}] AS kept
WITH b, row,
     [k IN kept | {bucket: k.bucket, count: k.count + reduce(n = 0, x IN row.buckets | n + CASE WHEN x.bucket = k.bucket THEN x.count ELSE 0 END)}]
     + [x IN row.buckets WHERE x.bucket >= $keepFrom AND NOT x.bucket IN [k IN kept | k.bucket] | {bucket: x.bucket, count: x.count}] AS merged
SET b.buckets = [m IN merged | toInteger(m.bucket)],
    b.counts = [m IN merged | toInteger(m.count)],
    b.total = toInteger(b.total + reduce(n = 0, x IN row.buckets | n + x.count)),
    b.lastAt = CASE WHEN b.lastAt IS NULL OR row.lastAt > b.lastAt THEN toInteger(row.lastAt) ELSE b.lastAt END
