MATCH (r:ErasureRequest {id: $id})
RETURN r {.*} AS request
