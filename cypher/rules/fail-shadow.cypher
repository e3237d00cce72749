// A shadow evaluation whose walk failed: it would fail again at the same place.
MATCH (r:MatchRuleSet {version: $version})
WHERE r.shadowState IN ['PENDING', 'RUNNING']
SET r.shadowState = 'FAILED', r.shadowError = $error
