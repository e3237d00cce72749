// The newest activation or rollback: what a rollback undoes.
MATCH (a:RuleActivation)
RETURN a.id AS id, a.version AS version
ORDER BY a.at DESC
LIMIT 1
