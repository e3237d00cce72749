// Only the lease holder finishes it: a run that lost its lease (it stalled, another took over) must not overwrite.
MATCH (r:ErasureRequest {id: $id})
WHERE r.leaseHolder = $holder OR r.leaseHolder IS NULL
SET r.status = $status, r.error = $error, r.completedAt = CASE WHEN $status = 'COMPLETED' THEN datetime($now) ELSE null END,
    r.finishedAt = datetime($now)
REMOVE r.leaseHolder, r.leaseUntil
RETURN r {.*} AS request
