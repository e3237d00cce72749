// A FAILED request runs again from the start; every step is idempotent.
MATCH (r:ErasureRequest {id: $id})
WHERE r.status = 'FAILED'
SET r.status = 'RECEIVED', r.error = null
RETURN r {.*} AS request
