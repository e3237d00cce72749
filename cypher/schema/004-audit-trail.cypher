// The audit chain: one head per chain (its writers serialise on it), entries unique by (chain, seq) so two writers
// can never fork the chain, read in seq order for verification; a customer's log pages newest first on seq.
CREATE CONSTRAINT audit_chain_id IF NOT EXISTS FOR (h:AuditChain) REQUIRE h.id IS UNIQUE;
CREATE CONSTRAINT audit_entry_chain_seq IF NOT EXISTS FOR (e:AuditEntry) REQUIRE (e.chain, e.seq) IS UNIQUE;
CREATE INDEX audit_entry_customer_seq IF NOT EXISTS FOR (e:AuditEntry) ON (e.customerId, e.seq);
