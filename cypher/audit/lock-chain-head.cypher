// Every writer of a chain serialises here: the write lock SET takes is held until commit, so the seq and hash read
// after it are the latest committed ones (Neo4j's lost-update pattern). A head created concurrently by two writers
// collides on the unique id and the loser retries. keyedFrom is set once, by the first writer with an audit key
// (its first entry's seq; a chain from before keying keeps its plain SHA-256 entries below it), in a clause of its
// own so that it reads the head under the lock.
MERGE (h:AuditChain {id: $chain})
  ON CREATE SET h.seq = 0, h.hash = $genesis
SET h._LOCK_ = true
SET h.keyedFrom = coalesce(h.keyedFrom, h.seq + 1)
RETURN h.seq AS seq, h.hash AS hash, h.keyedFrom AS keyedFrom
