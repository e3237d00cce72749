import type { Config } from '../../config/config';
import type { CypherRegistry } from '../../infra/neo4j/cypher-registry';
import type { Database } from '../../infra/neo4j/database';
import { CurrentModel } from './current-model';
import { MatchModelResolver } from './match-model.resolver';
import { MatchModelStore } from './model-store';

export type MatchingDeps = { db: Database; registry: CypherRegistry; settings: Config['matching'] };

/** Probabilistic matching: the versioned models, the one in force, and what the API shows of it. */
export function createMatching({ db, registry, settings }: MatchingDeps) {
  const current: CurrentModel = new CurrentModel(() => store.latest(), settings.modelRefreshSeconds * 1000);
  const store = new MatchModelStore(db, registry, () => current.invalidate());
  return { store, current, resolvers: [new MatchModelResolver(current)] };
}
