// The customers a decision names, as they are now: missing, or the active customer each is part of, and whether
// an erasure of it is under way (an erasure marks the active customer).
UNWIND $ids AS id
OPTIONAL MATCH (c:Customer {id: id})
OPTIONAL MATCH (active:Customer {id: coalesce(c.mergedInto, c.id)})
RETURN id, active.id AS activeId, active.erasureRequestId IS NOT NULL AS erasing
