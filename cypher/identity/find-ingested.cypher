// Idempotency: messages already applied, with the customer they resolved to today.
UNWIND $messageIds AS messageId
MATCH (n:Ingestion {messageId: messageId})
OPTIONAL MATCH (c:Customer {id: n.customerId})
RETURN n.messageId AS messageId, coalesce(c.mergedInto, n.customerId) AS customerId
