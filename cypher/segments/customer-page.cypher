// The next batch of customers for evaluating a segment over everyone, in id order from a cursor.
MATCH (c:Customer)
WHERE c.id > $after
WITH c ORDER BY c.id LIMIT toInteger($batch)
RETURN collect(c.id) AS ids
