MATCH (d:DeadLetter {id: $id})
RETURN d {.*} AS letter
