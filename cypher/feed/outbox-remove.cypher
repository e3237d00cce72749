// Appended to the feed: no longer owed.
UNWIND $ids AS id
MATCH (o:FeedOutbox {id: id})
DELETE o
