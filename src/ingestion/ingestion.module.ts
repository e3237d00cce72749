import type { ChangePublisher } from '../changes/change-publisher';
import type { Config } from '../config/config';
import type { ConsentPurposes } from '../kernel/consent-purposes';
import type { DeadLetterRepository } from '../dead-letters/dead-letter.repository';
import type { IdentifierNormalizer } from '../identity/identifier-normalizer';
import type { ResolutionService } from '../identity/resolution.service';
import type { Database } from '../infra/neo4j/database';
import type { Metrics } from '../observability/metrics';
import type { SuppressionFilter } from '../privacy/suppression-filter';
import type { SegmentEvaluator } from '../segments/segment-evaluator';
import { BatchLimit } from './batch-limit';
import { IngestionResolver } from './ingestion.resolver';
import { IngestionService } from './ingestion.service';
import { PayloadGuard } from './payload-guard';

export type IngestionDeps = {
  db: Database;
  settings: Config['ingest'];
  resolution: ResolutionService;
  deadLetters: DeadLetterRepository;
  normalizer: IdentifierNormalizer;
  changes: ChangePublisher;
  suppressions: SuppressionFilter;
  purposes: ConsentPurposes;
  evaluator: SegmentEvaluator;
  metrics: Metrics;
  clock?: () => Date;
};

/** Events and source records in: their limits, resolution into profiles, and the ingest mutations. */
export function createIngestion({ db, settings, resolution, deadLetters, normalizer, changes, suppressions, purposes, evaluator, metrics, clock }: IngestionDeps) {
  const batchLimit = new BatchLimit(settings.maxBatch);
  const payloadGuard = new PayloadGuard({ maxDepth: settings.maxItemDepth, maxBytes: settings.maxItemBytes });
  const service = new IngestionService(
    db,
    resolution,
    deadLetters,
    normalizer,
    metrics,
    changes,
    suppressions,
    purposes,
    batchLimit,
    payloadGuard,
    evaluator,
    clock,
  );
  return { service, batchLimit, payloadGuard, resolvers: [new IngestionResolver(service)] };
}
