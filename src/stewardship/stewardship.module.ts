import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import type { Database } from '../infra/neo4j/database';
import type { ComponentReresolution } from '../identity/component-reresolution';
import type { IdentifierNormalizer } from '../identity/identifier-normalizer';
import type { ResolutionService } from '../identity/resolution.service';
import type { UnitOfWork } from '../writes/unit-of-work';
import { StewardDecisions } from './steward-decisions';
import { StewardshipRepository } from './stewardship.repository';
import { MatchCandidateResolver, StewardDecisionResolver } from './stewardship.resolver';

export type StewardshipDeps = {
  db: Database;
  registry: CypherRegistry;
  writes: UnitOfWork;
  resolution: ResolutionService;
  /** Re-resolution from the evidence log, and the records of decisions made outside a batch (unmerge). */
  identity: { reresolution: ComponentReresolution; normalizer: IdentifierNormalizer };
  clock?: () => Date;
};

/** Data stewards' work on identity: the review queue, manual merges, keep-apart decisions, and their record. */
export function createStewardship({ db, registry, writes, resolution, identity, clock }: StewardshipDeps) {
  const repository = new StewardshipRepository(db, registry);
  const decisions = new StewardDecisions(writes, resolution, identity, repository, clock);
  return {
    decisions,
    resolvers: [new MatchCandidateResolver(decisions, repository), new StewardDecisionResolver(decisions, repository, identity.normalizer)],
  };
}
