// What each live segment among $ids reads (its dependency index): no size, which would count its members.
UNWIND $ids AS id
MATCH (s:Segment {id: id})
WHERE s.deletedAt IS NULL
RETURN s.id AS id, s.reads AS reads
