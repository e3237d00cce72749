// The audit chain in blocks (src/audit/audit-block.ts): a block per run of up to 100 consecutive entries, unique by
// (chain, firstSeq) and read in that order; one (:AuditCustomerEntry) per entry that names a customer, so that a
// customer's log pages newest first on seq by index. The (:AuditEntry) indexes of 004 serve the audit-blocks data
// migration, which moves entries stored one node each into blocks.
CREATE CONSTRAINT audit_block_chain_first_seq IF NOT EXISTS FOR (b:AuditBlock) REQUIRE (b.chain, b.firstSeq) IS UNIQUE;
CREATE INDEX audit_customer_entry_customer_seq IF NOT EXISTS FOR (e:AuditCustomerEntry) ON (e.customerId, e.seq);
