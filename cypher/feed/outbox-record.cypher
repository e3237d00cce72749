// The changes one transaction decided, kept with it: they reach the feed even if the process dies after commit.
// The database clock, not an instance's: the relay on any instance judges age by the same one.
CREATE (:FeedOutbox {id: $id, changes: $changes, createdAt: datetime()})
