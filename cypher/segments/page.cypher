// Segments by name, then id (the cursor), for the segments list.
MATCH (s:Segment)
WHERE s.deletedAt IS NULL AND (s.name > $afterName OR (s.name = $afterName AND s.id > $afterId))
WITH s ORDER BY s.name, s.id LIMIT toInteger($limit)
RETURN s {.*, size: COUNT { (s)<-[:IN_SEGMENT]-() }} AS segment
