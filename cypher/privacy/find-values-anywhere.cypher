// Verification after an erasure: every node and relationship with a property containing one of the values
// (case-insensitive). Reads the whole graph: for checks and tests, never on a request path.
UNWIND $needles AS needle
CALL (needle) {
  MATCH (n)
  WHERE any(k IN keys(n) WHERE toLower(coalesce(toStringOrNull(n[k]), '')) CONTAINS toLower(needle))
  RETURN 'node' AS kind, labels(n) AS labels, [k IN keys(n) WHERE toLower(coalesce(toStringOrNull(n[k]), '')) CONTAINS toLower(needle)] AS properties
  UNION ALL
  MATCH ()-[r]->()
  WHERE any(k IN keys(r) WHERE toLower(coalesce(toStringOrNull(r[k]), '')) CONTAINS toLower(needle))
  RETURN 'relationship' AS kind, [type(r)] AS labels, [k IN keys(r) WHERE toLower(coalesce(toStringOrNull(r[k]), '')) CONTAINS toLower(needle)] AS properties
}
RETURN needle, kind, labels, properties
