import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import { ConsentPurposes } from '../kernel/consent-purposes';
import { ConsentRepository } from './consent.repository';
import { ConsentResolver } from './consent.resolver';
import { ConsentService } from './consent.service';
import type { UnitOfWork } from '../writes/unit-of-work';

export type ConsentDeps = {
  writes: UnitOfWork;
  registry: CypherRegistry;
  purposes: string[];
  clock?: () => Date;
};

/** Consent: the configured purposes, statements as recorded, and setting one (with its consequences). */
export function createConsent({ writes, registry, purposes: configured, clock }: ConsentDeps) {
  const repository = new ConsentRepository(registry);
  const purposes = new ConsentPurposes(configured);
  const service = new ConsentService(writes, repository, purposes, clock);
  return { repository, purposes, service, resolvers: [new ConsentResolver(purposes, service)] };
}
