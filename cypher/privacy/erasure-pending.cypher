// Accepted erasures not finished whose holder's lease lapsed (it stopped or died): resumed, so none is lost.
MATCH (r:ErasureRequest)
WHERE r.status IN ['RECEIVED', 'RUNNING'] AND (r.leaseUntil IS NULL OR r.leaseUntil < datetime())
RETURN r.id AS id
ORDER BY r.requestedAt
