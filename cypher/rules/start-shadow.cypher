// A shadow evaluation starts over from the first customer.
MATCH (r:MatchRuleSet {version: $version})
SET r.shadowState = 'PENDING', r.shadow = $shadow, r.shadowCursor = '', r.shadowAgainst = $against
RETURN r.version AS version
