// The active customers among these profiles.
UNWIND $ids AS id
MATCH (c:Customer {id: id})
WHERE c.mergedInto IS NULL AND c.status = 'ACTIVE'
RETURN c.id AS id
