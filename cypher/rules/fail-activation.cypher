// An activation whose walk failed: it would fail again at the same place.
MATCH (a:RuleActivation {id: $id})
WHERE a.state IN ['WAITING', 'RUNNING']
SET a.state = 'FAILED', a.error = $error, a.finishedAt = datetime()
