// setConsent is idempotent by a key derived from the statement; retention finds what it may remove by time
// (inactive customers, records by receipt) and a removed profile's idempotency entries by customer.
CREATE CONSTRAINT consent_key IF NOT EXISTS FOR (x:Consent) REQUIRE x.key IS UNIQUE;
CREATE INDEX customer_status_updated IF NOT EXISTS FOR (c:Customer) ON (c.status, c.updatedAt);
CREATE INDEX source_record_received IF NOT EXISTS FOR (r:SourceRecord) ON (r.receivedAt);
CREATE INDEX ingestion_customer IF NOT EXISTS FOR (n:Ingestion) ON (n.customerId);
