import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/config';
import { CypherRegistry } from '../../src/infra/neo4j/cypher-registry';
import { Database } from '../../src/infra/neo4j/database';
import { DATA_MIGRATIONS } from '../../src/data-migrations';
import { migrate } from '../../src/infra/neo4j/migrations';
import { provideNeo4j } from '../../src/infra/services/neo4j-service';
import { provideRedis } from '../../src/infra/services/redis-service';

/**
 * Starts one real Neo4j and one real Redis for the whole run (NEO4J_URI / REDIS_URL if set, else containers if
 * Docker answers, else the embedded launcher and redis-server) and hands them to the workers through env.
 */
export default async function globalSetup() {
  const log = (message: string) => process.stderr.write(`[test services] ${message}\n`);
  const config = loadConfig({
    AUTH_DEV_MODE: 'true',
    ...process.env,
    NEO4J_LOCAL_DATA_DIR: process.env.NEO4J_LOCAL_DATA_DIR ?? mkdtempSync(path.join(tmpdir(), 'c360-test-neo4j-')),
  });
  const [neo4j, redis] = await Promise.all([provideNeo4j(config.neo4j, log), provideRedis(config.redis.url, log)]);
  log(`Neo4j from ${neo4j.origin} at ${neo4j.uri}; Redis from ${redis.origin} at ${redis.url}`);
  process.env.NEO4J_URI = neo4j.uri;
  process.env.NEO4J_USER = neo4j.user;
  if (neo4j.password) process.env.NEO4J_PASSWORD = neo4j.password;
  process.env.REDIS_URL = redis.url;
  // One audit key, shared by test apps, API processes and audit:verify (and by runs on one NEO4J_URI). Checkpoints
  // go where the run's database is the one they vouch for: never a developer's .data/ file or Redis streams.
  process.env.AUDIT_HMAC_KEY ??= 'test-audit-key-of-at-least-thirty-two-characters';
  process.env.AUDIT_CHECKPOINT_FILE ??= path.join(mkdtempSync(path.join(tmpdir(), 'c360-test-audit-')), 'checkpoints.jsonl');
  process.env.AUDIT_CHECKPOINT_KEY ??= `c360:test:${randomUUID()}:audit:checkpoints`;

  // Migrate once before workers start, so parallel test files never race on schema changes.
  const db = Database.connect(neo4j.uri, neo4j.user, neo4j.password, config.neo4j.database);
  await db.waitUntilReachable();
  await migrate(db, new CypherRegistry(), DATA_MIGRATIONS);
  await db.close();

  // Tests that run the API or the worker as separate processes (kill -9, two instances) start the compiled dist/.
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'tsconfig.build.json'], { stdio: 'inherit' });

  (globalThis as Record<string, unknown>).__testServices = [neo4j, redis];
}
