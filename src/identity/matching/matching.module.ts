import type { Config } from '../../config/config';
import type { CypherRegistry } from '../../infra/neo4j/cypher-registry';
import type { Database } from '../../infra/neo4j/database';
import { CurrentModel } from './current-model';
import { MatchModelResolver } from './match-model.resolver';
import { fitsComparisons } from './match-model';
import { MatchModelStore } from './model-store';
import type { Logger } from '../../observability/logger';

export type MatchingDeps = { db: Database; registry: CypherRegistry; settings: Config['matching']; logger: Logger };

/** Probabilistic matching: the versioned models, the one in force, and what the API shows of it. */
export function createMatching({ db, registry, settings, logger }: MatchingDeps) {
  // A model trained with other comparisons than this version's is not used: resolution stays deterministic until
  // `npm run match:train` trains one that fits.
  const load = async () => {
    const stored = await store.latest();
    if (stored && !fitsComparisons(stored.model)) {
      logger.warn({ modelVersion: stored.version }, 'the match model in force was trained with other comparisons: probabilistic matching is off until match:train runs');
      return null;
    }
    return stored;
  };
  const current: CurrentModel = new CurrentModel(load, settings.modelRefreshSeconds * 1000);
  const store = new MatchModelStore(db, registry, () => current.invalidate());
  return { store, current, resolvers: [new MatchModelResolver(current)] };
}
