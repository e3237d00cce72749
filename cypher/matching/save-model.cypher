// Each trained model is a new version; the newest is the one in force. Versions are kept: a model can be compared
// with, and rolled back to, an earlier one.
OPTIONAL MATCH (previous:MatchModel)
WITH max(previous.version) AS latest
CREATE (m:MatchModel {version: coalesce(latest, 0) + 1, document: $document, trainedAt: datetime($trainedAt), savedAt: datetime()})
RETURN m.version AS version
