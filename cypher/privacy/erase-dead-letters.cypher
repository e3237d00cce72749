UNWIND $ids AS id
MATCH (d:DeadLetter {id: id})
DELETE d
RETURN count(*) AS removed
