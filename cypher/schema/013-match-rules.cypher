// Match rules as versioned data: the one node saying which version is in force, and the activations that put
// versions in force (each re-resolving what changes, with its progress).
CREATE CONSTRAINT match_rules_in_force_id IF NOT EXISTS FOR (f:MatchRulesInForce) REQUIRE f.id IS UNIQUE;
CREATE CONSTRAINT rule_activation_id IF NOT EXISTS FOR (a:RuleActivation) REQUIRE a.id IS UNIQUE;
CREATE INDEX match_rule_set_shadow IF NOT EXISTS FOR (r:MatchRuleSet) ON (r.shadowState);
CREATE INDEX rule_activation_state IF NOT EXISTS FOR (a:RuleActivation) ON (a.state);
// Tombstones of source records their source deleted: up to which version.
CREATE CONSTRAINT deleted_record_key IF NOT EXISTS FOR (d:DeletedRecord) REQUIRE d.key IS UNIQUE;
