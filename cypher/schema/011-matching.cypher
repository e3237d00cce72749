// Probabilistic matching: versioned models.
CREATE CONSTRAINT match_model_version IF NOT EXISTS FOR (m:MatchModel) REQUIRE m.version IS UNIQUE;
CREATE CONSTRAINT match_key IF NOT EXISTS FOR (k:MatchKey) REQUIRE k.key IS UNIQUE;
CREATE CONSTRAINT match_candidate_id IF NOT EXISTS FOR (m:MatchCandidate) REQUIRE m.id IS UNIQUE;
CREATE CONSTRAINT match_candidate_pair IF NOT EXISTS FOR (m:MatchCandidate) REQUIRE m.pair IS UNIQUE;
