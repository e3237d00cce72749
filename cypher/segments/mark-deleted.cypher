// A deleted segment stops being evaluated at once; its memberships are then removed in batches (each an EXITED).
MATCH (s:Segment {id: $id})
WHERE s.deletedAt IS NULL
SET s.deletedAt = datetime($now), s.status = 'DELETING', s.updatedAt = datetime($now),
    s.evaluationHolder = $holder, s.evaluationHeartbeat = datetime()
RETURN s {.*} AS segment
