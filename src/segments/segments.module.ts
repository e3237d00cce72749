import type { SegmentSettings } from '../config/config';
import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import type { Database } from '../infra/neo4j/database';
import type { JobRunner, ScheduledJob } from '../jobs/job-runner';
import type { Logger } from '../observability/logger';
import { SegmentCompiler } from './segment-compiler';
import { SegmentDisclosure } from './segment-disclosure';
import { SegmentEvaluator } from './segment-evaluator';
import { SegmentPopulation } from './segment-population';
import { segmentReevaluation } from './segment-reevaluation';
import { SegmentRepository } from './segment.repository';
import { CustomerSegmentsResolver, SegmentResolver } from './segment.resolver';
import { SegmentService } from './segment.service';
import { WindowScheduler } from './window-scheduler';
import type { UnitOfWork } from '../writes/unit-of-work';

/** How long an instance may go without finishing a batch before another may take a whole-population run over. */
const LEASE_SECONDS = 60;
/** How often an instance looks for runs whose lease lapsed. */
const RESUME_INTERVAL_MS = 30_000;
const DAY_MS = 86_400_000;

export type SegmentsDeps = {
  db: Database;
  registry: CypherRegistry;
  /** Every write: segments re-evaluate what it touched, and their own runs write through it. */
  writes: UnitOfWork;
  /** Runs the resume and window jobs; its holder id is this instance's in the evaluation leases. */
  jobs: JobRunner;
  logger: Logger;
  settings: SegmentSettings;
  purposes: readonly string[];
  /** The deployment's identifier type names, which `identifier` rules may name. */
  identifierTypes: readonly string[];
  clock?: () => Date;
};

/** Segments wired together: definitions, incremental and whole-population evaluation, the window job and the segment queries. */
export function createSegments({ db, registry, writes, jobs, logger, settings, purposes, identifierTypes, clock }: SegmentsDeps) {
  const compiler = new SegmentCompiler(registry);
  const evaluator = new SegmentEvaluator(registry, compiler, { bucketMs: settings.bucketMinutes * 60_000 }, clock);
  writes.register(segmentReevaluation(evaluator));
  const repository = new SegmentRepository(db, registry);
  const population = new SegmentPopulation(
    db,
    registry,
    writes,
    evaluator,
    logger,
    { batch: settings.evaluationBatch, leaseSeconds: LEASE_SECONDS, holder: jobs.holder },
    clock,
  );
  const windows = new WindowScheduler(db, registry, writes, evaluator, logger, { batch: settings.evaluationBatch, maxSleepMs: settings.windowMaxSleepMs }, clock);
  let scheduled: ScheduledJob[] = [];
  const service = new SegmentService(db, repository, compiler, population, { purposes, identifierTypes, maxWindowMs: settings.behaviourRetentionDays * DAY_MS }, clock);
  const disclosure = new SegmentDisclosure(settings.minGroupSize);
  return {
    evaluator,
    repository,
    service,
    disclosure,
    population,
    windows,
    resolvers: [new SegmentResolver(repository, service, disclosure), new CustomerSegmentsResolver(repository, disclosure)],
    /** Resumes runs a stopped instance left (once their lease lapses, now and every 30 s) and starts the window job. */
    async start(): Promise<void> {
      const resume = jobs.schedule({
        name: 'segment-population-resume',
        intervalMs: RESUME_INTERVAL_MS,
        runAtStart: true,
        tick: () => population.resumePending(),
        failure: { message: 'could not look for unfinished segment evaluations; trying again' },
      });
      scheduled = [resume];
      if (settings.windowScheduler) {
        scheduled.push(
          jobs.schedule({
            name: 'segment-windows',
            intervalMs: settings.windowMaxSleepMs,
            runAtStart: true,
            tick: () => windows.tick(),
            next: () => windows.untilNext(),
            failure: { message: 'segment window check failed; trying again' },
          }),
        );
      }
      await resume.started;
    },
    async stop(): Promise<void> {
      await Promise.all(scheduled.map((job) => job.stop()));
      await population.stop();
    },
  };
}
