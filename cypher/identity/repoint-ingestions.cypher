// Items a re-resolution put on another customer now belong to it: erasure, export and idempotency answers follow
// `customerId`; where each first landed stays in `landedOn`, which decisions naming that profile are replayed by.
UNWIND $ingestions AS row
MATCH (n:Ingestion {key: row.key})
SET n.landedOn = coalesce(n.landedOn, n.customerId), n.customerId = row.customerId
