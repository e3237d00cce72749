// The customers a decision names, as they are now: missing, erased, or the active customer each is part of.
UNWIND $ids AS id
OPTIONAL MATCH (c:Customer {id: id})
RETURN id, c.status AS status, CASE WHEN c IS NULL THEN null ELSE coalesce(c.mergedInto, c.id) END AS activeId
