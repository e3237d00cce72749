// A FAILED request runs again from the start; every step is idempotent.
MATCH (r:ErasureRequest {id: $id})
WHERE r.status = 'FAILED'
SET r.status = 'RECEIVED', r.error = null,
    r.leaseHolder = $holder, r.leaseUntil = datetime() + duration({seconds: toInteger($leaseSeconds)})
RETURN r {.*} AS request
