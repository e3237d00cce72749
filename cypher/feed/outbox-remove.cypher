// Appended to the feed: no longer owed.
// replan=skip: the outbox is empty one moment and holds a few entries the next, and Neo4j threw the cached plan away
// on each swing (at most every 10 s) to plan it again, 90 to 150 ms each under load, for the same unique-key seek.
CYPHER replan=skip
UNWIND $ids AS id
MATCH (o:FeedOutbox {id: id})
DELETE o
