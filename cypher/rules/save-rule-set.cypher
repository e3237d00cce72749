// A document is stored once: the same rules proposed again (or configured again) are the same version.
OPTIONAL MATCH (existing:MatchRuleSet)
WITH coalesce(max(existing.version), 0) + 1 AS next
MERGE (r:MatchRuleSet {hash: $hash})
ON CREATE SET r.version = next, r.rules = $rules, r.createdAt = datetime(), r.origin = $origin, r.proposedBy = $actor, r.note = $note
SET r.configuredAt = CASE WHEN $origin = 'CONFIGURATION' THEN datetime() ELSE r.configuredAt END
RETURN r.version AS version
