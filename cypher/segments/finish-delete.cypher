MATCH (s:Segment {id: $id})
WHERE s.deletedAt IS NOT NULL AND NOT EXISTS { (s)<-[:IN_SEGMENT]-() }
DETACH DELETE s
