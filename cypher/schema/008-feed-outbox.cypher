// Membership changes are written to an outbox in the transaction that decides them; the feed append after commit
// removes them, and a relay appends whatever a crash left behind. Found by age.
CREATE INDEX feed_outbox_created IF NOT EXISTS FOR (o:FeedOutbox) ON (o.createdAt);
CREATE CONSTRAINT feed_outbox_id IF NOT EXISTS FOR (o:FeedOutbox) REQUIRE o.id IS UNIQUE;
