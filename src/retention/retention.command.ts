import 'reflect-metadata';
import { CypherRegistry } from '../infra/neo4j/cypher-registry';
import { DATA_MIGRATIONS } from '../data-migrations';
import { migrate } from '../infra/neo4j/migrations';
import { RetentionJob } from './retention-job';
import { createMembershipFeed } from '../changes/create-membership-feed';
import { ChangePublisher } from '../changes/change-publisher';
import { registerChangePublishing } from '../changes/change-consequences';
import { MembershipOutbox } from '../changes/membership-outbox';
import { createAppPubSub } from '../changes/pubsub';
import { createMetrics } from '../observability/metrics';
import { closeRedis, connectRedis } from '../infra/redis/redis-client';
import { runCommand } from '../infra/services/run-command';
import { UnitOfWork } from '../writes/unit-of-work';

/** `npm run retention`: applies the RETENTION_* windows once, for schedulers outside the app (cron, a k8s CronJob). */
runCommand({
  needs: 'database',
  async run(command) {
    const { config, logger } = command.configure();
    const db = await command.database();
    const registry = new CypherRegistry();
    await migrate(db, registry, DATA_MIGRATIONS);
    // With Redis, the memberships retention ends reach subscribers through the shared feed (EXITED).
    const redis = await connectRedis(config.redis.url, logger);
    command.started({ name: 'Redis', stop: () => closeRedis(redis) });
    const feed = await createMembershipFeed(config, redis, logger);
    command.started({ name: 'the membership feed', stop: () => feed.close() });
    const outbox = new MembershipOutbox(db, registry, logger);
    command.started({ name: 'the membership outbox', stop: () => outbox.flush() });
    const changes = new ChangePublisher(createAppPubSub(), feed, outbox, logger, createMetrics());
    // Retention touches no customer it keeps, so there is nothing for segments to re-evaluate: only publishing.
    const writes = new UnitOfWork(db);
    registerChangePublishing(writes, changes);
    const job = new RetentionJob(writes, registry, config.retention, config.identity.types.anonymousTypes, logger);
    if (!job.enabled) {
      logger.warn('no retention window is set (RETENTION_ANONYMOUS_PROFILE_DAYS, RETENTION_SOURCE_RECORD_DAYS, RETENTION_DEAD_LETTER_DAYS): nothing to do');
      return;
    }
    for (const { dataClass, removed, cutoff } of await job.run()) console.log(`${dataClass.padEnd(18)} removed ${removed} (older than ${cutoff})`);
  },
});
