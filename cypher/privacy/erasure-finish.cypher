MATCH (r:ErasureRequest {id: $id})
SET r.status = $status, r.error = $error, r.completedAt = CASE WHEN $status = 'COMPLETED' THEN datetime($now) ELSE null END,
    r.finishedAt = datetime($now)
RETURN r {.*} AS request
