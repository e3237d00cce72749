// Changes still owed to the feed well after their transaction committed: the process that decided them stopped
// before appending. Claimed for a while, so two instances do not both relay them.
MATCH (o:FeedOutbox)
WHERE o.createdAt < datetime() - duration({seconds: $graceSeconds})
  AND (o.claimedAt IS NULL OR o.claimedAt < datetime() - duration({seconds: $graceSeconds}))
WITH o ORDER BY o.createdAt LIMIT toInteger($batch)
SET o.claimedAt = datetime()
RETURN o.id AS id, o.changes AS changes
