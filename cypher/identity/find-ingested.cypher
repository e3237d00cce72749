// Idempotency: items already applied, with the customer they resolved to today.
UNWIND $keys AS key
MATCH (n:Ingestion {key: key})
OPTIONAL MATCH (c:Customer {id: n.customerId})
RETURN n.key AS key, coalesce(c.mergedInto, n.customerId) AS customerId
