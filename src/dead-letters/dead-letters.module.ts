import type { IngestionService } from '../ingestion/ingestion.service';
import type { PayloadGuard } from '../ingestion/payload-guard';
import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import type { Database } from '../infra/neo4j/database';
import { DeadLetterRepository } from './dead-letter.repository';
import { DeadLetterResolver } from './dead-letter.resolver';

/**
 * Rejected events and records. Ingestion records them here, and resubmitting one goes back through ingestion:
 * the resolvers are made once ingestion exists.
 */
export function createDeadLetters({ db, registry }: { db: Database; registry: CypherRegistry }) {
  const repository = new DeadLetterRepository(db, registry);
  return {
    repository,
    resolvers: (ingestion: Pick<IngestionService, 'resubmit'>, guard: Pick<PayloadGuard, 'shown'>) => [
      new DeadLetterResolver(repository, ingestion, guard),
    ],
  };
}
