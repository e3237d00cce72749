// Rule set versions, newest first, with whether each is in force.
OPTIONAL MATCH (f:MatchRulesInForce {id: 'in-force'})
MATCH (r:MatchRuleSet)
WHERE ($version IS NULL OR r.version = $version) AND ($before IS NULL OR r.version < $before) AND (NOT $inForce OR r.version = f.version)
RETURN r {
  .version, .rules, .origin, .proposedBy, .note, .shadowState, .shadowError, .shadow, .shadowAgainst,
  createdAt: r.createdAt.epochMillis, activatedAt: r.activatedAt.epochMillis,
  inForce: r.version = f.version
} AS ruleSet
ORDER BY r.version DESC
LIMIT toInteger($limit)
