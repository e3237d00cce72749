// The merge stays in the history, marked with the decision that undid it.
MATCH (m:Merge {id: $id})
SET m.undoneAt = datetime($now), m.undoneBy = $decisionId
