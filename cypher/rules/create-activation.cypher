// An activation supersedes any still re-resolving: the newest decides what is in force.
OPTIONAL MATCH (running:RuleActivation)
WHERE running.state IN ['WAITING', 'RUNNING']
SET running.state = 'SUPERSEDED', running.finishedAt = datetime()
WITH count(running) AS superseded
CREATE (a:RuleActivation {
  id: $id, version: $version, previousVersion: $previousVersion, rewrittenSince: $rewrittenSince, kind: $kind, actor: $actor, reason: $reason,
  at: datetime(), startAfter: datetime() + duration({milliseconds: $waitMs}), state: 'WAITING', cursor: '', progress: $progress
})
RETURN a.id AS id
