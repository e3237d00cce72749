import type { Redis } from 'ioredis';
import type { Config } from '../config/config';
import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import type { Database } from '../infra/neo4j/database';
import type { JobRunner } from '../jobs/job-runner';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import type { SegmentDisclosure } from '../segments/segment-disclosure';
import type { SegmentRepository } from '../segments/segment.repository';
import { connectAppPubSub } from './app-pubsub';
import { ChangePublisher } from './change-publisher';
import { createMembershipFeed } from './create-membership-feed';
import { CustomerChangeResolver } from './customer-change.resolver';
import { MembershipOutbox } from './membership-outbox';
import { SegmentMembershipResolver } from './segment-membership.resolver';

export type ChangesDeps = {
  config: Config;
  db: Database;
  registry: CypherRegistry;
  redis: Redis | null;
  jobs: JobRunner;
  logger: Logger;
  metrics: Metrics;
  clock?: () => Date;
};

/**
 * What committed transactions changed, told to whoever listens: the PubSub of customer and consent changes, the
 * durable feed of segment membership changes with its outbox, and the subscriptions that follow them.
 */
export async function createChanges({ config, db, registry, redis, jobs, logger, metrics, clock }: ChangesDeps) {
  const events = connectAppPubSub(config.redis.url, redis, logger);
  const feed = await createMembershipFeed(config, redis, logger, clock);
  const outbox = new MembershipOutbox(db, registry, logger);
  const publisher = new ChangePublisher(events.pubSub, feed, outbox, logger, metrics, clock);
  return {
    pubSub: events.pubSub,
    feed,
    outbox,
    publisher,
    /** The membership subscription reads segments (which publish here): made once the segments module exists. */
    resolvers: (segments: { repository: SegmentRepository; disclosure: SegmentDisclosure }) => [
      new CustomerChangeResolver(),
      new SegmentMembershipResolver(segments, feed),
    ],
    /** Changes a stopped process committed but never appended reach the feed here (any instance relays them). */
    startRelay(): void {
      jobs.schedule({
        name: 'outbox-relay',
        intervalMs: config.feed.relayIntervalMs,
        tick: async () => {
          const relayed = await publisher.relayOwedMemberships(config.feed.relayGraceSeconds);
          if (relayed > 0) logger.warn({ relayed }, 'appended membership changes a stopped process left in the outbox');
        },
        failure: { message: 'outbox relay failed; trying again' },
      });
    },
    /** Appended changes leave the outbox now, not on the next start's relay; then the feed and PubSub close. */
    async close(): Promise<void> {
      await outbox.flush();
      await feed.close();
      await events.close();
    },
  };
}
