import type { Redis } from 'ioredis';
import type { Config } from '../config/config';
import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import type { Database } from '../infra/neo4j/database';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { auditKeyForWriting } from './audit-key';
import { PiiReadLog } from './audit-read';
import { AuditRepository } from './audit.repository';
import { AuditResolver } from './audit.resolver';
import { AuditTrail } from './audit-trail';
import { checkpointStoreFor } from './checkpoint-store';

export type AuditDeps = {
  db: Database;
  registry: CypherRegistry;
  settings: Config['audit'];
  redis: Redis | null;
  metrics: Metrics;
  logger: Logger;
  clock?: () => Date;
};

/** The audit trail of PII reads: its keyed chain, checkpoints, the per-request read log and the audit log query. */
export function createAudit({ db, registry, settings, redis, metrics, logger, clock }: AuditDeps) {
  const auditKey = auditKeyForWriting(settings);
  if (!settings.hmacKey) {
    logger.warn(`AUDIT_HMAC_KEY is not set: the audit chain is keyed with the generated key in ${auditKey.from} (refused in production)`);
  }
  const checkpointStore = checkpointStoreFor(settings.checkpoints, redis);
  const trail = new AuditTrail(new AuditRepository(db, registry), metrics, logger, {
    batchSize: settings.batchSize,
    flushIntervalMs: settings.flushIntervalMs,
    maxBuffer: settings.maxBuffer,
    retryAfterSeconds: settings.retryAfterSeconds,
    key: auditKey.key,
    checkpoints: { store: checkpointStore, intervalMs: settings.checkpoints.intervalMs },
    clock,
  });
  logger.info({ store: checkpointStore.describe(trail.chain), keyId: auditKey.key.id }, 'audit chain checkpoints go to the log and to this store');
  return {
    /** Records every PII read; written in batches, flushed by stop(). */
    trail,
    /** A fresh log of one request's clear PII reads, recorded in the trail when the request completes. */
    readLog: () => new PiiReadLog(trail),
    resolvers: [new AuditResolver(trail)],
    /** Writes what is still buffered; its last checkpoint may go to Redis, so before that connection closes. */
    stop: () => trail.stop(),
  };
}
