// The configuration put other rules in force at a start: walks still re-resolving under earlier ones stop.
MATCH (a:RuleActivation)
WHERE a.state IN ['WAITING', 'RUNNING']
SET a.state = 'SUPERSEDED', a.finishedAt = datetime()
