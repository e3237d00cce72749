// Each distinct rule set gets the next version once; a concurrent start with another set collides on the
// version constraint and retries.
OPTIONAL MATCH (existing:MatchRuleSet)
WITH coalesce(max(existing.version), 0) + 1 AS next
MERGE (r:MatchRuleSet {hash: $hash})
ON CREATE SET r.version = next, r.rules = $rules, r.createdAt = datetime()
SET r.activatedAt = datetime()
RETURN r.version AS version
