// Every node for a copy; schema bookkeeping stays behind (the target applies its own migrations).
MATCH (n)
WHERE NOT n:SchemaMigration
RETURN elementId(n) AS ref, labels(n) AS labels, properties(n) AS properties
