CREATE (s:Segment {
  id: $id, name: $name, description: $description, definition: $definition, version: 1,
  reads: $reads, dependsOn: $dependsOn, status: 'EVALUATING', evaluated: 0, total: 0, evaluatedAfter: '',
  createdAt: datetime($now), updatedAt: datetime($now), createdBy: $actor,
  // The creating instance holds the lease on the first evaluation; others resume it only if that lapses.
  evaluationHolder: $holder, evaluationHeartbeat: datetime()
})
RETURN s {.*} AS segment
