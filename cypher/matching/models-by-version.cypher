// The match models of these versions: a replay scores each batch with the model that batch was resolved with.
UNWIND $versions AS version
MATCH (m:MatchModel {version: version})
RETURN m.version AS version, m.document AS document
