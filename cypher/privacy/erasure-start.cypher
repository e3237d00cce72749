// RUNNING, with the person's profiles as they are now (the survivor and every profile merged into it, even one
// merged after the request) added to those remembered from an earlier, interrupted run.
// Claimed under the request's write lock (the SET), so of two instances claiming at once exactly one runs it: the
// holder of the lease, or anyone once the lease has lapsed. Leases use the database's clock, not the app's.
MATCH (r:ErasureRequest {id: $id})
SET r.claimedBy = $holder
REMOVE r.claimedBy
WITH r
WHERE r.status IN ['RECEIVED', 'RUNNING']
  AND (r.leaseHolder = $holder OR r.leaseUntil IS NULL OR r.leaseUntil < datetime())
OPTIONAL MATCH (:Customer {id: r.survivorId})-[:MERGED_INTO]->(later:Customer)
WITH r, coalesce(later.id, r.survivorId) AS survivorId
OPTIONAL MATCH (s:Customer {id: survivorId})
OPTIONAL MATCH (absorbed:Customer)-[:MERGED_INTO]->(s)
WITH r, [x IN collect(DISTINCT s.id) + collect(DISTINCT absorbed.id) WHERE x IS NOT NULL] AS current
WITH r, reduce(ids = r.profileIds, x IN current | CASE WHEN x IN ids THEN ids ELSE ids + x END) AS profileIds
SET r.status = 'RUNNING', r.startedAt = datetime($now), r.attempts = r.attempts + 1, r.profileIds = profileIds,
    r.leaseHolder = $holder, r.leaseUntil = datetime() + duration({seconds: toInteger($leaseSeconds)})
RETURN r {.*} AS request
