// Merges a re-resolution no longer makes (their profiles are not one customer now) stay in the history, marked
// with the decision that undid them.
UNWIND $ids AS id
MATCH (m:Merge {id: id})
SET m.undoneAt = datetime($now), m.undoneBy = $undoneBy
