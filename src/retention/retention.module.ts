import type { MembershipSink } from '../changes/change-publisher';
import type { Config } from '../config/config';
import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import type { Database } from '../infra/neo4j/database';
import type { Logger } from '../observability/logger';
import { RetentionJob } from './retention-job';
import { scheduleRetention } from './retention-schedule';

export type RetentionDeps = {
  db: Database;
  registry: CypherRegistry;
  settings: Config['retention'];
  memberships: MembershipSink;
  logger: Logger;
  clock?: () => Date;
};

/** Removes what outlived its retention period, on a schedule in the app process when one is configured. */
export function createRetention({ db, registry, settings, memberships, logger, clock }: RetentionDeps) {
  const job = new RetentionJob(db, registry, settings, logger, memberships, clock);
  let schedule: { stop(): Promise<void> } | null = null;
  return {
    job,
    start(): void {
      if (job.enabled && settings.intervalMinutes > 0) schedule = scheduleRetention(job, settings.intervalMinutes, logger);
    },
    async stop(): Promise<void> {
      await schedule?.stop();
    },
  };
}
