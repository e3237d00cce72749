import type { AuditEntryInput } from '../../src/audit/audit-entry';
import { AuditRepository } from '../../src/audit/audit.repository';
import { AuditTrail, type AuditTrailOptions } from '../../src/audit/audit-trail';
import { CypherRegistry } from '../../src/infra/neo4j/cypher-registry';
import { Database } from '../../src/infra/neo4j/database';
import { createLogger } from '../../src/observability/logger';
import { createMetrics } from '../../src/observability/metrics';
import { unique } from '../support/test-app';

export const connectTestDb = (uri = process.env.NEO4J_URI!) =>
  Database.connect(uri, process.env.NEO4J_USER ?? 'neo4j', process.env.NEO4J_PASSWORD, 'neo4j');

/**
 * A trail on a chain of its own: tests that tamper with entries or verify a chain from its first entry never see,
 * or disturb, what other test files append to `main` at the same time.
 */
export function privateTrail(db: Database, options: Partial<AuditTrailOptions> = {}) {
  const registry = new CypherRegistry();
  const repository = new AuditRepository(db, registry);
  const metrics = createMetrics();
  const trail = new AuditTrail(repository, metrics, createLogger('silent'), {
    chain: unique('chain-'),
    batchSize: 1000,
    // Long, so a test decides when entries are written (flush, stop) unless it tests the interval itself.
    flushIntervalMs: 600_000,
    maxBuffer: 1_000_000,
    ...options,
  });
  return { trail, repository, metrics, registry, chain: trail.chain };
}

/** A clear read of one PII field, as the masking layer records it. */
export const clearRead = (customerId: string, overrides: Partial<AuditEntryInput> = {}): AuditEntryInput => ({
  subject: 'test-steward',
  roles: ['steward'],
  fields: ['Customer.email'],
  customerId,
  purpose: null,
  decision: 'ALLOWED_CLEAR',
  requestId: 'req-1',
  channel: 'QUERY',
  ...overrides,
});
