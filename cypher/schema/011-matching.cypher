// Probabilistic matching: versioned models.
CREATE CONSTRAINT match_model_version IF NOT EXISTS FOR (m:MatchModel) REQUIRE m.version IS UNIQUE;
