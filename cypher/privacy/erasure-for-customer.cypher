// The request that erases (or erased) this id: asked for directly, or one of the profiles merged into it.
MATCH (r:ErasureRequest)
WHERE r.customerId = $id OR r.survivorId = $id OR $id IN r.profileIds
RETURN r {.*} AS request
ORDER BY r.requestedAt DESC
LIMIT 1
