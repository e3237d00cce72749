// Run after lock-in-force, in the same transaction.
MATCH (f:MatchRulesInForce {id: 'in-force'})
MATCH (r:MatchRuleSet {version: $version})
SET f.version = r.version, f.since = datetime(), r.activatedAt = datetime()
RETURN r.version AS version
