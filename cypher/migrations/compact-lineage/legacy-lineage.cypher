// Profiles that still store their lineage in full (one JSON object per golden value), in id order after $after.
MATCH (c:Customer)
WHERE c.id > $after AND c.attributeLineage IS NOT NULL
WITH c ORDER BY c.id LIMIT toInteger($batch)
RETURN c.id AS id, c.attributeLineage AS lineage
