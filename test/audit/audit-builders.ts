import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AuditEntryInput } from '../../src/audit/audit-entry';
import { AuditKey } from '../../src/audit/audit-key';
import { AuditRepository } from '../../src/audit/audit.repository';
import { AuditTrail, type AuditTrailOptions } from '../../src/audit/audit-trail';
import { FileCheckpointStore } from '../../src/audit/checkpoint-store';
import { CypherRegistry } from '../../src/infra/neo4j/cypher-registry';
import { Database } from '../../src/infra/neo4j/database';
import { createLogger, type Logger } from '../../src/observability/logger';
import { createMetrics } from '../../src/observability/metrics';
import { unique } from '../support/test-app';

export const connectTestDb = (uri = process.env.NEO4J_URI!) =>
  Database.connect(uri, process.env.NEO4J_USER ?? 'neo4j', process.env.NEO4J_PASSWORD, 'neo4j');

/** The run's audit key (set by the global setup), as the API and audit:verify use it. */
export const testAuditKey = () => AuditKey.of(process.env.AUDIT_HMAC_KEY!);

/** A checkpoint file of a test's own. */
export const privateCheckpointFile = () => path.join(mkdtempSync(path.join(tmpdir(), 'c360-checkpoints-')), 'checkpoints.jsonl');

/**
 * A trail on a chain of its own: tests that tamper with entries or verify a chain from its first entry never see,
 * or disturb, what other test files append to `main` at the same time. Its checkpoints go to a file of its own,
 * after the first batch and at stop.
 */
export function privateTrail(db: Database, options: Partial<AuditTrailOptions> & { logger?: Logger } = {}) {
  const registry = new CypherRegistry();
  const repository = new AuditRepository(db, registry);
  const metrics = createMetrics();
  const key = options.key ?? testAuditKey();
  const checkpointFile = privateCheckpointFile();
  const trail = new AuditTrail(repository, metrics, options.logger ?? createLogger('silent'), {
    chain: unique('chain-'),
    batchSize: 1000,
    // Long, so a test decides when entries are written (flush, stop) unless it tests the interval itself.
    flushIntervalMs: 600_000,
    maxBuffer: 1_000_000,
    key,
    checkpoints: { store: new FileCheckpointStore(checkpointFile), intervalMs: 600_000 },
    ...options,
  });
  return { trail, repository, metrics, registry, chain: trail.chain, key, checkpointFile };
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
