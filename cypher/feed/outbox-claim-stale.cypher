// Changes still owed to the feed well after their transaction committed: the process that decided them stopped
// before appending. Claimed for a while, so two instances do not both relay them.
// replan=skip: the outbox swings between empty and a few entries, and each swing made Neo4j plan this again (every
// relay tick, 200 to 450 ms under load). Planned on any size it reads the createdAt index, in order or not.
CYPHER replan=skip
MATCH (o:FeedOutbox)
WHERE o.createdAt < datetime() - duration({seconds: $graceSeconds})
  AND (o.claimedAt IS NULL OR o.claimedAt < datetime() - duration({seconds: $graceSeconds}))
WITH o ORDER BY o.createdAt LIMIT toInteger($batch)
SET o.claimedAt = datetime()
RETURN o.id AS id, o.changes AS changes
