// Steward decisions: the review queue read by status in creation order, the decisions, the keep-apart constraints.
CREATE INDEX match_candidate_status IF NOT EXISTS FOR (m:MatchCandidate) ON (m.status, m.id);
CREATE CONSTRAINT steward_decision_id IF NOT EXISTS FOR (d:StewardDecision) REQUIRE d.id IS UNIQUE;
CREATE CONSTRAINT keep_apart_id IF NOT EXISTS FOR (k:KeepApart) REQUIRE k.id IS UNIQUE;
