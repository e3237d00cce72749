// Accepted erasures not finished: resumed at start, so none is lost to a crash or a restart.
MATCH (r:ErasureRequest)
WHERE r.status IN ['RECEIVED', 'RUNNING']
RETURN r.id AS id
ORDER BY r.requestedAt
