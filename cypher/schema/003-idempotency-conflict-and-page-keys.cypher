// Idempotency keys carry their kind (EVENT:<messageId>, RECORD:<source>:<id>@<updatedAt>), so an event can never
// shadow a record; a repeated refusal updates one Conflict instead of adding another; dead letters page on one
// sortable key (creation time, then id) that an index can read in order.
DROP CONSTRAINT ingestion_message_id IF EXISTS;
CREATE CONSTRAINT ingestion_key IF NOT EXISTS FOR (n:Ingestion) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT conflict_key IF NOT EXISTS FOR (x:Conflict) REQUIRE x.key IS UNIQUE;
DROP INDEX dead_letter_created IF EXISTS;
CREATE INDEX dead_letter_sort_key IF NOT EXISTS FOR (d:DeadLetter) ON (d.sortKey);
