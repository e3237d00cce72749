// Erasure requests are looked up by id and by the customer they erase; suppression entries by hash at every ingest
// batch (an erasure finds the person's idempotency records through ingestion_customer, made by 005).
CREATE CONSTRAINT erasure_request_id IF NOT EXISTS FOR (r:ErasureRequest) REQUIRE r.id IS UNIQUE;
CREATE CONSTRAINT erasure_request_survivor IF NOT EXISTS FOR (r:ErasureRequest) REQUIRE r.survivorId IS UNIQUE;
CREATE INDEX erasure_request_status IF NOT EXISTS FOR (r:ErasureRequest) ON (r.status);
CREATE INDEX erasure_request_customer IF NOT EXISTS FOR (r:ErasureRequest) ON (r.customerId);
CREATE CONSTRAINT suppression_hash IF NOT EXISTS FOR (s:Suppression) REQUIRE s.hash IS UNIQUE;
CREATE INDEX dead_letter_resolved_customer IF NOT EXISTS FOR (d:DeadLetter) ON (d.resolvedCustomerId);
CREATE INDEX conflict_identifier_value IF NOT EXISTS FOR (x:Conflict) ON (x.identifierValue);
