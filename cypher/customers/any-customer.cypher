MATCH (c:Customer)
RETURN c.id AS id
LIMIT 1
