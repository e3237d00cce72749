// Every writer of a chain serialises here: the write lock SET takes is held until commit, so the seq and hash read
// after it are the latest committed ones (Neo4j's lost-update pattern). A head created concurrently by two writers
// collides on the unique id and the loser retries.
MERGE (h:AuditChain {id: $chain})
  ON CREATE SET h.seq = 0, h.hash = $genesis
SET h._LOCK_ = true
RETURN h.seq AS seq, h.hash AS hash
