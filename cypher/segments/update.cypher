// A new version starts its evaluation over all customers from the beginning.
MATCH (s:Segment {id: $id})
WHERE s.deletedAt IS NULL
SET s.name = coalesce($name, s.name), s.description = coalesce($description, s.description),
    s.definition = coalesce($definition, s.definition), s.reads = coalesce($reads, s.reads),
    s.dependsOn = coalesce($dependsOn, s.dependsOn),
    s.version = s.version + CASE WHEN $definition IS NULL THEN 0 ELSE 1 END,
    s.status = CASE WHEN $definition IS NULL THEN s.status ELSE 'EVALUATING' END,
    s.evaluated = CASE WHEN $definition IS NULL THEN s.evaluated ELSE 0 END,
    s.evaluatedAfter = CASE WHEN $definition IS NULL THEN s.evaluatedAfter ELSE '' END,
    s.updatedAt = datetime($now),
    s.evaluationHolder = CASE WHEN $definition IS NULL THEN s.evaluationHolder ELSE $holder END,
    s.evaluationHeartbeat = CASE WHEN $definition IS NULL THEN s.evaluationHeartbeat ELSE datetime() END
RETURN s {.*} AS segment
