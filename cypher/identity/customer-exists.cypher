MATCH (c:Customer {id: $id})
RETURN c.id AS id
