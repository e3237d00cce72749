// The ids among $ids of segments that exist and are not deleted.
UNWIND $ids AS id
MATCH (s:Segment {id: id})
WHERE s.deletedAt IS NULL
RETURN s.id AS id
