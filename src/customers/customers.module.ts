import type { IdentifierNormalizer } from '../identity/identifier-normalizer';
import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import type { Database } from '../infra/neo4j/database';
import { CustomerDeviceResolver } from './customer-device.resolver';
import { createCustomerLoaders } from './customer.loaders';
import { CustomerRepository } from './customer.repository';
import { CustomerResolver } from './customer.resolver';
import { LinkedIdentifierResolver } from './linked-identifier.resolver';

export type CustomersDeps = { db: Database; registry: CypherRegistry; normalizer: IdentifierNormalizer };

/** Reading customers: the repository, each request's batched loaders, and the customer queries. */
export function createCustomers({ db, registry, normalizer }: CustomersDeps) {
  const repository = new CustomerRepository(db, registry);
  return {
    repository,
    /** Loaders for one request: no cache outlives it. */
    loaders: () => createCustomerLoaders(repository),
    resolvers: [new CustomerResolver(repository, normalizer), new LinkedIdentifierResolver(), new CustomerDeviceResolver()],
  };
}
