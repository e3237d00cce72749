// Locks the person's survivor (SET) while recording the request; the unique survivorId makes a concurrent second
// request for the same person fail and re-read the first. The accepting instance holds the lease: it runs the
// erasure itself, and no other instance resumes it unless the lease lapses (the holder died).
MATCH (asked:Customer {id: $customerId})
OPTIONAL MATCH (asked)-[:MERGED_INTO]->(survivor:Customer)
WITH asked, coalesce(survivor, asked) AS c
SET c.erasureRequestId = $id
CREATE (r:ErasureRequest {
  id: $id,
  customerId: asked.id,
  survivorId: c.id,
  profileIds: [c.id],
  reason: $reason,
  status: 'RECEIVED',
  requestedAt: datetime($now),
  attempts: 0,
  leaseHolder: $holder,
  leaseUntil: datetime() + duration({seconds: toInteger($leaseSeconds)})
})
RETURN r {.*} AS request
