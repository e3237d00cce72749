// One window of inactive customers, in (updatedAt, id) order after the cursor, of which the anonymous-only ones
// are removed with everything that hangs off them. Anonymous-only: no identifier beyond ANONYMOUS_ID/DEVICE_ID,
// no source record, and nothing seen since the cutoff (the customer's last change, its identifiers' and its
// devices' lastSeen, on it and on the profiles merged into it). The cursor lets the next window skip customers
// that stay (known people), so a run reads each customer once.
MATCH (c:Customer)
WHERE c.status = 'ACTIVE'
  AND c.updatedAt < datetime($cutoff)
  AND (c.updatedAt > datetime($afterAt) OR (c.updatedAt = datetime($afterAt) AND c.id > $afterId))
WITH c ORDER BY c.updatedAt, c.id LIMIT toInteger($batch)
WITH collect(c) AS window
// Read before the window's nodes are deleted.
WITH window, size(window) AS scanned, last(window).updatedAt AS lastAt, last(window).id AS lastId
CALL (window) {
  UNWIND window AS c
  // The write lock first: what is checked and the memberships read below cannot change before the delete.
  SET c.retentionCheckedAt = datetime()
  WITH c, [c] + COLLECT { MATCH (x:Customer)-[:MERGED_INTO]->(c) RETURN x } AS profiles
  WHERE NOT EXISTS { (c)<-[:IDENTIFIES]-(i:Identifier) WHERE NOT i.type IN $anonymousTypes }
    AND NOT EXISTS { (c)<-[:DESCRIBES]-(:SourceRecord) }
    AND NOT EXISTS { (c)<-[link:IDENTIFIES]-(:Identifier) WHERE link.lastSeen >= datetime($cutoff) }
    AND NONE(p IN profiles WHERE p.updatedAt >= datetime($cutoff)
      OR EXISTS { (p)<-[u:USED_BY]-(:Device) WHERE u.lastSeen >= datetime($cutoff) })
  // Read before deletion: each membership that ends is published as EXITED.
  WITH c, profiles, c.id AS customerId, coalesce(c.membershipSequence, 0) AS sequence,
       COLLECT { MATCH (c)-[:IN_SEGMENT]->(s:Segment) RETURN s.id } AS segmentIds
  CALL (profiles) {
    UNWIND profiles AS p
    MATCH (p)-[:GAVE_CONSENT]->(k:Consent)
    DETACH DELETE k
  }
  CALL (profiles) {
    UNWIND profiles AS p
    MATCH (p)<-[:CONFLICT_ON|CONFLICTS_WITH]-(x:Conflict)
    WITH DISTINCT x
    DETACH DELETE x
  }
  CALL (profiles) {
    UNWIND profiles AS p
    MATCH (p)<-[:SURVIVOR|ABSORBED]-(m:Merge)
    WITH DISTINCT m
    DETACH DELETE m
  }
  // Review candidates naming them, and match keys (hashes of their attributes) no one else holds.
  CALL (profiles) {
    UNWIND profiles AS p
    MATCH (p)<-[:CANDIDATE]-(m:MatchCandidate)
    WITH DISTINCT m
    DETACH DELETE m
  }
  CALL (profiles) {
    UNWIND profiles AS p
    MATCH (p)<-[:BLOCKS]-(k:MatchKey)
    WITH DISTINCT k, [x IN profiles | x.id] AS ids
    WHERE NOT EXISTS { (k)-[:BLOCKS]->(other:Customer) WHERE NOT other.id IN ids }
    DETACH DELETE k
  }
  // A device used by someone else stays, with that usage only.
  CALL (profiles) {
    UNWIND profiles AS p
    MATCH (p)<-[u:USED_BY]-(d:Device)
    DELETE u
    WITH DISTINCT d
    WHERE NOT EXISTS { (d)-[:USED_BY]->() }
    DELETE d
  }
  CALL (c) {
    MATCH (c)<-[:IDENTIFIES]-(i:Identifier)
    DETACH DELETE i
  }
  // Idempotency entries go too: a replay of a removed profile's events makes a new profile instead of pointing at nothing.
  CALL (profiles) {
    UNWIND profiles AS p
    MATCH (n:Ingestion {customerId: p.id})
    DELETE n
  }
  CALL (profiles) {
    UNWIND profiles AS p
    MATCH (p)-[:PERFORMED]->(b:Behaviour)
    DETACH DELETE b
  }
  CALL (profiles) {
    UNWIND profiles AS p
    DETACH DELETE p
  }
  RETURN count(*) AS removed, [x IN collect({customerId: customerId, sequence: sequence, segmentIds: segmentIds}) WHERE size(x.segmentIds) > 0] AS exited
}
RETURN scanned, removed, exited, lastAt, lastId
