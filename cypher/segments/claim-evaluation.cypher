// Takes the lease on a whole-population evaluation, unless another instance holds a fresh one.
MATCH (s:Segment {id: $id})
WHERE s.status IN ['EVALUATING', 'DELETING']
  AND (s.evaluationHolder IS NULL OR s.evaluationHolder = $holder
       OR s.evaluationHeartbeat < datetime($now) - duration({seconds: $leaseSeconds}))
SET s.evaluationHolder = $holder, s.evaluationHeartbeat = datetime($now)
RETURN s.version AS version, s.evaluatedAfter AS after, s.status AS status
