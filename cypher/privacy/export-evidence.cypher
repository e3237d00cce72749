// The evidence log of one person: what each item that brought facts brought, by the profile it first landed on.
UNWIND $profileIds AS profileId
MATCH (n:Ingestion {customerId: profileId})
WHERE n.evidence IS NOT NULL
RETURN n.customerId AS profileId, n.receivedAt.epochMillis AS receivedAtMs, n.evidence AS evidence

