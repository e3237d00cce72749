MATCH (m:MatchModel)
RETURN m.version AS version, m.document AS document
ORDER BY m.version DESC
LIMIT 1
