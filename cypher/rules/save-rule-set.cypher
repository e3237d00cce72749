// A document is stored once: the same rules proposed again (or configured again) are the same version.
OPTIONAL MATCH (existing:MatchRuleSet)
WITH coalesce(max(existing.version), 0) + 1 AS next
MERGE (r:MatchRuleSet {hash: $hash})
ON CREATE SET r.version = next, r.rules = $rules, r.createdAt = datetime(), r.origin = $origin, r.proposedBy = $actor, r.note = $note
// `asserted`: the configuration of a start put it in force (what the next start compares its own with).
SET r.configuredAt = CASE WHEN $asserted THEN datetime() ELSE r.configuredAt END
// A version stored before is below the next one.
RETURN r.version AS version, r.version = next AS created
