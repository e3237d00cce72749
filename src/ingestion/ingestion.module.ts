import type { Config } from '../config/config';
import type { ConsentPurposes } from '../kernel/consent-purposes';
import type { DeadLetterRepository } from '../dead-letters/dead-letter.repository';
import type { IdentifierNormalizer } from '../identity/identifier-normalizer';
import type { ResolutionService } from '../identity/resolution.service';
import type { Metrics } from '../observability/metrics';
import type { SuppressionFilter } from '../privacy/suppression-filter';
import { BatchLimit } from './batch-limit';
import { IngestionResolver } from './ingestion.resolver';
import { IngestionService } from './ingestion.service';
import { PayloadGuard } from './payload-guard';
import type { UnitOfWork } from '../writes/unit-of-work';

export type IngestionDeps = {
  writes: UnitOfWork;
  settings: Config['ingest'];
  resolution: ResolutionService;
  deadLetters: DeadLetterRepository;
  normalizer: IdentifierNormalizer;
  suppressions: SuppressionFilter;
  purposes: ConsentPurposes;
  metrics: Metrics;
  clock?: () => Date;
};

/** Events and source records in: their limits, resolution into profiles, and the ingest mutations. */
export function createIngestion({ writes, settings, resolution, deadLetters, normalizer, suppressions, purposes, metrics, clock }: IngestionDeps) {
  const batchLimit = new BatchLimit(settings.maxBatch);
  const payloadGuard = new PayloadGuard({ maxDepth: settings.maxItemDepth, maxBytes: settings.maxItemBytes });
  const service = new IngestionService({
    writes,
    resolution,
    deadLetters,
    suppression: suppressions,
    normalizer,
    purposes,
    batchLimit,
    guard: payloadGuard,
    metrics,
    clock,
  });
  return { service, batchLimit, payloadGuard, resolvers: [new IngestionResolver(service)] };
}
