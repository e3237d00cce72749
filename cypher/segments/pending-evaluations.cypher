// Whole-population evaluations to run: new or changed segments, and deletions not finished. One left by an
// instance that stopped is resumed once its heartbeat is older than the lease
// (on the database's clock, as every lease).
MATCH (s:Segment)
WHERE s.status IN ['EVALUATING', 'DELETING']
  AND (s.evaluationHeartbeat IS NULL OR s.evaluationHeartbeat < datetime() - duration({seconds: $leaseSeconds}))
RETURN s.id AS id, s.version AS version, s.status AS status
