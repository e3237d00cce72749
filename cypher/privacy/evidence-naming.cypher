// Evidence of someone else's items that carried one of the person's identifiers: a claim on it that was refused,
// so a Conflict names the person (by value, or as the other side). Run before the conflicts are redacted.
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
MATCH (x)-[:CONFLICT_ON]->(other:Customer)
WHERE NOT other.id IN $profileIds
WITH DISTINCT other
MATCH (n:Ingestion {customerId: other.id})
WHERE n.evidence IS NOT NULL AND any(needle IN $needles WHERE n.evidence CONTAINS needle)
RETURN n.key AS key, n.evidence AS evidence
