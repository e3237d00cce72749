import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp, type App } from '../src/app';
import { loadConfig } from '../src/config/config';
import { Database } from '../src/infra/neo4j/database';
import { provideNeo4j, type Neo4jEndpoint } from '../src/infra/services/neo4j-service';
import { createLogger } from '../src/observability/logger';

export type BenchStack = {
  app: App;
  db: Database;
  url: string;
  neo4j: Neo4jEndpoint;
  /** A service-role token for HTTP calls. */
  token: string;
  /** Signs tokens for the read servers the benchmarks start in processes of their own. */
  secret: string;
  close(): Promise<void>;
};

/**
 * The API as `npm start` runs it, on a Neo4j chosen the same way (NEO4J_URI, testcontainers, embedded) but, when
 * embedded, on a fresh data directory so figures never depend on what an earlier run left behind.
 */
export async function startBenchStack(): Promise<BenchStack> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'c360-bench-neo4j-'));
  const secret = randomBytes(32).toString('base64url');
  // The benchmark's own audit key and checkpoints (its servers inherit them): never those in .data/ or in a
  // REDIS_URL's streams, which vouch for another database.
  process.env.AUDIT_HMAC_KEY ??= randomBytes(32).toString('base64url');
  process.env.AUDIT_CHECKPOINT_FILE ??= path.join(dataDir, 'audit-checkpoints.jsonl');
  process.env.AUDIT_CHECKPOINT_KEY ??= `c360:bench:${randomUUID()}:audit:checkpoints`;
  const config = loadConfig({
    RATE_LIMIT_POINTS: '0',
    ...process.env,
    AUTH_JWT_SECRET: secret,
    NEO4J_LOCAL_DATA_DIR: dataDir,
    SEED_ON_START: 'false',
    LOG_LEVEL: 'warn',
  });
  const logger = createLogger('warn');
  const neo4j = await provideNeo4j(config.neo4j, (message) => process.stderr.write(`${message}\n`));
  const db = Database.connect(neo4j.uri, neo4j.user, neo4j.password, config.neo4j.database);
  await db.waitUntilReachable();
  const app = await createApp({ config, db, logger });
  const url = await app.listen('127.0.0.1', 0);
  return {
    app,
    db,
    url,
    neo4j,
    secret,
    token: await app.minter!.mint({ role: 'service', subject: 'bench' }),
    async close() {
      await app.stop();
      await db.close();
      await neo4j.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function machineConditions(neo4j: Neo4jEndpoint): string {
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  return [
    `machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, load ${load}`,
    `node ${process.version}; Neo4j from ${neo4j.origin} (${neo4j.uri}); client and server share the machine`,
  ].join('\n');
}

export const progress = (label: string, done: number, total: number) =>
  process.stderr.write(`\r${label}: ${done}/${total} (${Math.round((100 * done) / total)}%)   ${done === total ? '\n' : ''}`);
