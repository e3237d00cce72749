// The version in force and its document.
MATCH (f:MatchRulesInForce {id: 'in-force'})
MATCH (r:MatchRuleSet {version: f.version})
RETURN r.version AS version, r.rules AS rules
