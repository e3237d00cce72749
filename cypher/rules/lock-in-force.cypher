// Takes the write lock of the one node naming the version in force (concurrent starts and activations queue here;
// two creating it at once collide on its constraint and retry), and says what the configuration asserted last.
MERGE (f:MatchRulesInForce {id: 'in-force'})
SET f.lockedAt = datetime()
WITH f
OPTIONAL MATCH (configured:MatchRuleSet)
WHERE configured.configuredAt IS NOT NULL
WITH f, configured
ORDER BY configured.configuredAt DESC
LIMIT 1
RETURN f.version AS version, configured.hash AS configuredHash
