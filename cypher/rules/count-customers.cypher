MATCH (c:Customer)
WHERE c.status = 'ACTIVE'
RETURN count(c) AS total
