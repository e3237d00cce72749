import { z } from 'zod';
import { section, variable } from './declare';
import { intBetween, positiveInt } from './values';

export const feed = section(
  'Membership feed',
  'The durable feed of segment membership changes that subscriptions resume from: a Redis Stream with `REDIS_URL`, else an in-memory ring.',
  {
    key: variable('FEED_KEY', z.string().min(1).default('c360:feed:memberships'), "the membership change feed's Redis Stream"),
    maxLength: variable(
      'FEED_MAX_LENGTH',
      positiveInt.default(100_000),
      'changes the feed keeps (Redis trims approximately: at least this many, at most one stream node more)',
    ),
    // Changes a stopped process left in the outbox are appended by any instance once this old, checked this often.
    relayGraceSeconds: variable(
      'FEED_RELAY_GRACE_SECONDS',
      positiveInt.default(30),
      'age at which changes a stopped process left in the outbox are appended by another',
    ),
    relayIntervalMs: variable('FEED_RELAY_INTERVAL_MS', intBetween(100).default(10_000), 'how often to look for such changes'),
  },
);

export type FeedSettings = z.infer<typeof feed.schema>;
