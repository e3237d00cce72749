// Write-locks customers in id order (the order every batch locks in), so a re-resolution holds a whole component.
UNWIND $ids AS id
MATCH (c:Customer {id: id})
WITH c ORDER BY c.id
SET c.id = c.id
RETURN count(c) AS locked
