// Progress of a whole-population evaluation: only by the lease holder, for the version it evaluated (an update
// restarts it), from where it last recorded (an instance that lost its lease cannot count a batch twice).
MATCH (s:Segment {id: $id})
WHERE s.version = $version AND s.deletedAt IS NULL AND s.evaluationHolder = $holder AND s.evaluatedAfter = $previous
SET s.evaluated = s.evaluated + $count, s.evaluatedAfter = $after, s.total = $total,
    s.status = CASE WHEN $done THEN 'READY' ELSE 'EVALUATING' END,
    s.evaluatedAt = CASE WHEN $done THEN datetime($now) ELSE s.evaluatedAt END,
    s.evaluationHeartbeat = datetime()
RETURN s.version AS version
