// Idempotency records point at the person and hold record keys; without them a replay meets the suppression list.
MATCH (n:Ingestion)
WHERE n.customerId IN $profileIds
WITH n LIMIT toInteger($limit)
DELETE n
RETURN count(*) AS removed
