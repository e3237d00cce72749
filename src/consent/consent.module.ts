import type { ChangePublisher } from '../changes/change-publisher';
import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import type { Database } from '../infra/neo4j/database';
import type { SegmentEvaluator } from '../segments/segment-evaluator';
import { ConsentPurposes } from '../kernel/consent-purposes';
import { ConsentRepository } from './consent.repository';
import { ConsentResolver } from './consent.resolver';
import { ConsentService } from './consent.service';

export type ConsentDeps = {
  db: Database;
  registry: CypherRegistry;
  purposes: string[];
  changes: ChangePublisher;
  evaluator: SegmentEvaluator;
  clock?: () => Date;
};

/** Consent: the configured purposes, statements as recorded, and setting one (with its consequences). */
export function createConsent({ db, registry, purposes: configured, changes, evaluator, clock }: ConsentDeps) {
  const repository = new ConsentRepository(registry);
  const purposes = new ConsentPurposes(configured);
  const service = new ConsentService(db, repository, purposes, changes, evaluator, clock);
  return { repository, purposes, service, resolvers: [new ConsentResolver(purposes, service)] };
}
