// The segments evaluation must know: every live one, with its compiled inputs.
MATCH (s:Segment)
WHERE s.deletedAt IS NULL
RETURN s.id AS id, s.version AS version, s.definition AS definition, s.reads AS reads, s.dependsOn AS dependsOn
