// Takes the lease on a whole-population evaluation, unless another instance holds a fresh one. Leases run on the
// database's clock, the one clock every instance shares (an instance's own clock may be skewed, or injected).
MATCH (s:Segment {id: $id})
WHERE s.status IN ['EVALUATING', 'DELETING']
  AND (s.evaluationHolder IS NULL OR s.evaluationHolder = $holder
       OR s.evaluationHeartbeat < datetime() - duration({seconds: $leaseSeconds}))
SET s.evaluationHolder = $holder, s.evaluationHeartbeat = datetime()
RETURN s.version AS version, s.evaluatedAfter AS after, s.status AS status
