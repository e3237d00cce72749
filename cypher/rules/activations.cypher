// Activations and rollbacks, newest first.
MATCH (a:RuleActivation)
WHERE $id IS NULL OR a.id = $id
RETURN a {
  .id, .version, .previousVersion, .kind, .actor, .reason, .state, .error, .progress,
  at: a.at.epochMillis, finishedAt: a.finishedAt.epochMillis
} AS activation
ORDER BY a.at DESC
LIMIT toInteger($limit)
