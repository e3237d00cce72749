// Refusals on someone else that name the person (they held the identifier, or its value is one of theirs) stay in
// that customer's history without the value and without the link. Their key hashed the value, so it goes too (a
// later refusal starts a new conflict). Run before the identifiers are deleted: it needs their values.
CALL () {
  UNWIND $identifiers AS identifier
  MATCH (x:Conflict {identifierValue: identifier.value})
  WHERE x.identifierType = identifier.type
  RETURN x
  UNION
  MATCH (x:Conflict)-[:CONFLICTS_WITH]->(c:Customer)
  WHERE c.id IN $profileIds
  RETURN x
}
WITH DISTINCT x
OPTIONAL MATCH (x)-[w:CONFLICTS_WITH]->(c:Customer)
WHERE c.id IN $profileIds
DELETE w
WITH DISTINCT x
SET x.identifierValue = '[erased]', x.key = 'erased:' + x.id
RETURN count(*) AS redacted
