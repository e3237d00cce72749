import type { MembershipSink } from '../changes/change-publisher';
import type { Config } from '../config/config';
import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import type { Database } from '../infra/neo4j/database';
import type { JobRunner } from '../jobs/job-runner';
import type { Logger } from '../observability/logger';
import { RetentionJob } from './retention-job';

export type RetentionDeps = {
  db: Database;
  registry: CypherRegistry;
  settings: Config['retention'];
  memberships: MembershipSink;
  jobs: JobRunner;
  logger: Logger;
  clock?: () => Date;
};

/** Removes what outlived its retention period, on a schedule in the app process when one is configured. */
export function createRetention({ db, registry, settings, memberships, jobs, logger, clock }: RetentionDeps) {
  const job = new RetentionJob(db, registry, settings, logger, memberships, clock);
  return {
    job,
    start(): void {
      if (!job.enabled || settings.intervalMinutes <= 0) return;
      jobs.schedule({
        name: 'retention',
        intervalMs: settings.intervalMinutes * 60_000,
        tick: () => job.run(),
        failure: { message: 'retention run failed; the next run tries again', level: 'error' },
      });
    },
  };
}
