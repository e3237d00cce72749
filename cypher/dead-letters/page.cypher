// Keyset pagination on (createdAt, id): stable while new letters arrive.
MATCH (d:DeadLetter)
WHERE ($status IS NULL OR d.status = $status)
  AND ($source IS NULL OR d.source = $source)
  AND ($afterCreatedAt IS NULL
       OR d.createdAt > datetime($afterCreatedAt)
       OR (d.createdAt = datetime($afterCreatedAt) AND d.id > $afterId))
RETURN d {.*} AS letter
ORDER BY d.createdAt, d.id
LIMIT toInteger($limit)
