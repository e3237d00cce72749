// The active customers among these profiles as stored: the keys they hold, their candidates and golden values.
UNWIND $ids AS id
MATCH (c:Customer {id: id})
WHERE c.mergedInto IS NULL
RETURN c.id AS id,
       c.candidates AS candidates,
       [a IN $attributes | c[a]] AS golden,
       COLLECT { MATCH (i:Identifier)-[:IDENTIFIES]->(c) RETURN i.key } +
       COLLECT { MATCH (r:SourceRecord)-[:DESCRIBES]->(c) RETURN r.key } AS keys
