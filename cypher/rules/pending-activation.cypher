// The activation still re-resolving, if any, once the instances have had time to take its rules up.
MATCH (a:RuleActivation)
WHERE a.state IN ['WAITING', 'RUNNING']
RETURN a.id AS id, a.version AS version, a.previousVersion AS previousVersion, a.rewrittenSince AS rewrittenSince, a.cursor AS cursor, a.progress AS progress,
       a.startAfter <= datetime() AS due, a.startAfter.epochMillis - datetime().epochMillis AS waitMs
ORDER BY a.at DESC
LIMIT 1
