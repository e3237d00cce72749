import { randomUUID } from 'node:crypto';
import { createCustomerLoaders, type CustomerLoaders } from '../customers/customer.loaders';
import type { CustomerRepository } from '../customers/customer.repository';
import type { DeadLetterRepository } from '../dead-letters/dead-letter.repository';
import type { IdentifierNormalizer } from '../identity/identifier-normalizer';
import type { IngestionService } from '../ingestion/ingestion.service';
import { ANONYMOUS, type Principal } from '../auth/principal';
import type { CustomerExportService } from '../privacy/customer-export.service';
import type { ErasureService } from '../privacy/erasure.service';

export type AppServices = {
  ingestion: IngestionService;
  deadLetters: DeadLetterRepository;
  customers: CustomerRepository;
  normalizer: IdentifierNormalizer;
  exports: CustomerExportService;
  erasure: ErasureService;
};

export type AppContext = {
  requestId: string;
  /** Who is asking: verified once per HTTP request or WebSocket connection. */
  principal: Principal;
  services: AppServices;
  loaders: CustomerLoaders;
  /** A subscription lives across many events: each event starts with empty loaders, so none reads stale data. */
  renewLoaders(): void;
};

/** One context per HTTP request and per WebSocket operation: fresh loaders, so no cache outlives it. */
export function createContext(services: AppServices, principal: Principal = ANONYMOUS, requestId: string = randomUUID()): AppContext {
  const context: AppContext = {
    requestId,
    principal,
    services,
    loaders: createCustomerLoaders(services.customers),
    renewLoaders() {
      context.loaders = createCustomerLoaders(services.customers);
    },
  };
  return context;
}
