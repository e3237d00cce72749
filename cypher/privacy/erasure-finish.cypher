MATCH (r:ErasureRequest {id: $id})
SET r.status = $status, r.error = $error, r.completedAt = CASE WHEN $status = 'COMPLETED' THEN datetime($now) ELSE null END,
    r.finishedAt = datetime($now)
REMOVE r.leaseHolder, r.leaseUntil
RETURN r {.*} AS request
