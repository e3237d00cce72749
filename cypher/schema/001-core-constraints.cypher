// Uniqueness is what makes concurrent batches converge: a second writer of the same key fails and retries.
CREATE CONSTRAINT customer_id IF NOT EXISTS FOR (c:Customer) REQUIRE c.id IS UNIQUE;
CREATE CONSTRAINT identifier_key IF NOT EXISTS FOR (i:Identifier) REQUIRE i.key IS UNIQUE;
CREATE CONSTRAINT device_id IF NOT EXISTS FOR (d:Device) REQUIRE d.id IS UNIQUE;
CREATE CONSTRAINT source_record_key IF NOT EXISTS FOR (r:SourceRecord) REQUIRE r.key IS UNIQUE;
CREATE CONSTRAINT ingestion_message_id IF NOT EXISTS FOR (n:Ingestion) REQUIRE n.messageId IS UNIQUE;
CREATE CONSTRAINT merge_id IF NOT EXISTS FOR (m:Merge) REQUIRE m.id IS UNIQUE;
CREATE CONSTRAINT conflict_id IF NOT EXISTS FOR (x:Conflict) REQUIRE x.id IS UNIQUE;
CREATE CONSTRAINT consent_id IF NOT EXISTS FOR (x:Consent) REQUIRE x.id IS UNIQUE;
CREATE CONSTRAINT match_rule_set_version IF NOT EXISTS FOR (r:MatchRuleSet) REQUIRE r.version IS UNIQUE;
CREATE CONSTRAINT match_rule_set_hash IF NOT EXISTS FOR (r:MatchRuleSet) REQUIRE r.hash IS UNIQUE;
CREATE CONSTRAINT dead_letter_id IF NOT EXISTS FOR (d:DeadLetter) REQUIRE d.id IS UNIQUE;
