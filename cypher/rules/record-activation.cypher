// Progress of an activation, saved after each page; refused (no row) once a newer activation superseded it.
MATCH (a:RuleActivation {id: $id})
WHERE a.state IN ['WAITING', 'RUNNING']
SET a.state = $state, a.cursor = $cursor, a.progress = $progress,
    a.finishedAt = CASE WHEN $state = 'DONE' THEN datetime() ELSE null END
RETURN a.id AS id
