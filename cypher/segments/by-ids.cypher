UNWIND $ids AS id
MATCH (s:Segment {id: id})
WHERE s.deletedAt IS NULL
RETURN s {.*, size: COUNT { (s)<-[:IN_SEGMENT]-() }} AS segment
