import type { Config } from '../config/config';
import type { ConsentRepository } from '../consent/consent.repository';
import type { Database } from '../infra/neo4j/database';
import type { Logger } from '../observability/logger';
import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import { IdentifierNormalizer } from './identifier-normalizer';
import { identityRules, type IdentityRules } from './identity-rules';
import { configuredDocument } from './rules/match-rules';
import { RuleBook } from './rules/rule-book';
import { RuleSetsRepository } from './rules/rule-sets.repository';
import { IdentifierTypesResolver } from './identifier-types.resolver';
import { IdentityRepository } from './identity.repository';
import { ComponentReresolution } from './component-reresolution';
import { ComponentRewrite } from './component-rewrite';
import { RecordDeletions } from './record-deletions';
import { CustomerRebuild } from './customer-rebuild';
import { RebuildResolver } from './rebuild.resolver';
import { createMatching } from './matching/matching.module';
import { ResolutionService } from './resolution.service';

const DAY_MS = 86_400_000;

export type IdentityDeps = {
  db: Database;
  logger: Logger;
  registry: CypherRegistry;
  settings: Config['identity'];
  /** Overrides the configured match rules (tests switch merge protection off). */
  rules?: IdentityRules;
  /** Tests only: resolve with the configured rules, neither put in force for others nor following the version in force. */
  ownRules?: boolean;
  /** Where behaviour is bucketed and for how long it is kept (the segments settings). */
  segments: Config['segments'];
  /** Probabilistic matching (MATCH_MODE, MATCH_MODEL_REFRESH_SECONDS). */
  matchingSettings: Config['matching'];
  consents: ConsentRepository;
  clock?: () => Date;
};

/** Identity resolution: identifier normalisation, the match rules (versioned in the database) and the resolver. */
export async function createIdentity({ db, registry, logger, settings, rules, ownRules = false, segments, consents, clock, matchingSettings }: IdentityDeps) {
  const repository = new IdentityRepository(registry);
  const matching = createMatching({ db, registry, settings: matchingSettings, logger });
  const normalizer = new IdentifierNormalizer(settings);
  const configured = configuredDocument(rules ?? identityRules(settings.limits, settings.priority, settings.types), settings, settings.types);
  const ruleSets = new RuleSetsRepository(registry);
  const ruleBook = await RuleBook.start(
    { db, repository: ruleSets, types: settings.types, normalizer, models: { newest: () => matching.current.get(), byVersions: (v) => matching.store.byVersions(v) } },
    configured,
    { shared: !ownRules },
  );
  const matchingOn = matchingSettings.mode === 'SYNC';
  const rebuild = new CustomerRebuild(
    db,
    registry,
    () => ruleBook.current,
    settings.sourcePriority,
    (versions) => matching.store.byVersions(versions),
    matchingOn ? (rules) => ruleBook.model(rules.document) : undefined,
  );
  /** Re-resolves a component from its evidence and writes the result (unmerge, a rule change, a deleted record). */
  const reresolution = new ComponentReresolution(registry, rebuild, new ComponentRewrite(registry), consents, repository, { sourcePriority: settings.sourcePriority, rules: () => ruleBook.current });
  const resolution = new ResolutionService(
    repository,
    consents,
    {
      rules: () => ruleBook.current,
      sourcePriority: settings.sourcePriority,
      behaviour: { bucketMs: segments.bucketMinutes * 60_000, retentionMs: segments.behaviourRetentionDays * DAY_MS },
      ...(matchingOn ? { matchModel: () => ruleBook.model() } : {}),
      deletedRecords: new RecordDeletions(registry, reresolution, repository, () => ruleBook.current),
    },
    clock,
  );
  return {
    normalizer,
    resolution,
    ruleBook,
    ruleSets,
    rebuild,
    reresolution,
    matchModels: matching.store,
    resolvers: [...matching.resolvers, new IdentifierTypesResolver(settings.types, () => ruleBook.current.rules), new RebuildResolver(rebuild, ruleBook)],
  };
}
