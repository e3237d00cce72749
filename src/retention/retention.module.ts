import type { Config } from '../config/config';
import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import type { JobRunner } from '../jobs/job-runner';
import type { Logger } from '../observability/logger';
import type { UnitOfWork } from '../writes/unit-of-work';
import { RetentionJob } from './retention-job';

export type RetentionDeps = {
  /** Memberships of removed profiles end through it: reported in each batch's transaction, published after commit. */
  writes: UnitOfWork;
  registry: CypherRegistry;
  settings: Config['retention'];
  /** Identifier types that name no person: a profile holding only these is anonymous. */
  anonymousTypes: readonly string[];
  jobs: JobRunner;
  logger: Logger;
  clock?: () => Date;
};

/** Removes what outlived its retention period, on a schedule in the app process when one is configured. */
export function createRetention({ writes, registry, settings, anonymousTypes, jobs, logger, clock }: RetentionDeps) {
  const job = new RetentionJob(writes, registry, settings, anonymousTypes, logger, clock);
  return {
    job,
    start(): void {
      if (!job.enabled || settings.intervalMinutes <= 0) return;
      jobs.schedule({
        name: 'retention',
        intervalMs: settings.intervalMinutes * 60_000,
        tick: () => job.run(),
        // One instance at a time sweeps the whole database; another takes over five minutes after a crash.
        lease: { seconds: 300 },
        failure: { message: 'retention run failed; the next run tries again', level: 'error' },
      });
    },
  };
}
