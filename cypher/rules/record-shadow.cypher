// Progress of a shadow evaluation, saved after each page: a run that stops resumes from the cursor.
MATCH (r:MatchRuleSet {version: $version})
WHERE r.shadowState IN ['PENDING', 'RUNNING']
SET r.shadowState = $state, r.shadow = $shadow, r.shadowCursor = $cursor
RETURN r.version AS version
