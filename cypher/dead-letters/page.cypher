// Keyset pagination on sortKey (creation time, then id): stable while letters arrive, and read in index order.
MATCH (d:DeadLetter)
WHERE d.sortKey > $after
  AND ($status IS NULL OR d.status = $status)
  AND ($source IS NULL OR d.source = $source)
RETURN d {.*} AS letter
ORDER BY d.sortKey
LIMIT toInteger($limit)
