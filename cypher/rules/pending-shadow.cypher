// The oldest shadow evaluation not finished.
MATCH (r:MatchRuleSet)
WHERE r.shadowState IN ['PENDING', 'RUNNING']
RETURN r.version AS version, r.rules AS rules, r.shadow AS shadow, r.shadowCursor AS cursor, r.shadowAgainst AS against
ORDER BY r.version
LIMIT 1
