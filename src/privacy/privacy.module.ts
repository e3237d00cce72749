import type { Redis } from 'ioredis';
import type { AuditTrail } from '../audit/audit-trail';
import type { Config } from '../config/config';
import type { CustomerRepository } from '../customers/customer.repository';
import type { IdentifierNormalizer } from '../identity/identifier-normalizer';
import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import type { Database } from '../infra/neo4j/database';
import type { JobRunner } from '../jobs/job-runner';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { CustomerCache } from './customer-cache';
import { CustomerExportService } from './customer-export.service';
import { ErasureRepository } from './erasure.repository';
import { ErasureService, type ErasureDeps } from './erasure.service';
import { PrivacyResolver } from './privacy.resolver';
import { SuppressionFilter } from './suppression-filter';
import { SuppressionHasher } from './suppression-hasher';
import { SuppressionRepository } from './suppression.repository';
import type { UnitOfWork } from '../writes/unit-of-work';

/** How long an instance may go without finishing a batch before another may take its erasure over. */
const ERASURE_LEASE_SECONDS = 60;

export type PrivacyDeps = {
  db: Database;
  writes: UnitOfWork;
  registry: CypherRegistry;
  settings: Config['privacy'];
  redis: Redis | null;
  /** Runs the erasure resume job; its holder id is this instance's in the erasure leases. */
  jobs: JobRunner;
  normalizer: IdentifierNormalizer;
  customers: CustomerRepository;
  audit: AuditTrail;
  /** How an erasure ends the erased profiles' segment memberships (decided by segments). */
  memberships: ErasureDeps['memberships'];
  metrics: Metrics;
  logger: Logger;
  clock?: () => Date;
};

/** The data subject's rights: export, erasure (resumed after a crash) and the suppression list ingestion checks. */
export function createPrivacy({ db, writes, registry, settings, redis, jobs, normalizer, customers, audit, memberships, metrics, logger, clock }: PrivacyDeps) {
  if (settings.suppressionSaltIsDevDefault) {
    logger.warn('SUPPRESSION_SALT is not set: using the public development salt (refused in production)');
  }
  const hasher = new SuppressionHasher(settings.suppressionSalt);
  const suppressions = new SuppressionRepository(registry);
  const erasure = new ErasureService({
    db,
    writes,
    repository: new ErasureRepository(db, registry, { holder: jobs.holder, seconds: ERASURE_LEASE_SECONDS }),
    suppressions,
    hasher,
    normalizer,
    cache: new CustomerCache(redis),
    metrics,
    logger,
    batchSize: settings.erasureBatchSize,
    memberships,
    clock,
  });
  const exports = new CustomerExportService(db, registry, customers, erasure, audit, clock);
  return {
    erasure,
    exports,
    /** Ingestion drops what an erasure suppressed. */
    suppressionFilter: new SuppressionFilter(hasher, suppressions, normalizer),
    resolvers: [new PrivacyResolver(exports, erasure)],
    /** An accepted erasure is never lost: whatever a stop or a crash left unfinished runs again now, then on a timer. */
    start: () =>
      jobs.schedule({
        name: 'erasure-resume',
        intervalMs: settings.erasureResumeIntervalMs,
        runAtStart: true,
        tick: () => erasure.resumePending(),
        failure: { message: 'could not look for unfinished erasures' },
      }).started,
    drain: () => erasure.drain(),
  };
}
