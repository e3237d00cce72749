// A golden attribute (a name checked against the schema, passed as a parameter) compared with a value.
MATCH (c:Customer)
RETURN CASE $op
  WHEN 'eq' THEN c[$attribute] = $value
  WHEN 'neq' THEN c[$attribute] <> $value
  WHEN 'in' THEN c[$attribute] IN $values
  WHEN 'exists' THEN (c[$attribute] IS NOT NULL) = $present
  WHEN 'gt' THEN c[$attribute] > $value
  WHEN 'gte' THEN c[$attribute] >= $value
  WHEN 'lt' THEN c[$attribute] < $value
  WHEN 'lte' THEN c[$attribute] <= $value
  WHEN 'contains' THEN toLower(c[$attribute]) CONTAINS toLower($value)
  WHEN 'startsWith' THEN toLower(c[$attribute]) STARTS WITH toLower($value)
END AS holds
