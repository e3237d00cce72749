import Redis from 'ioredis';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/config';
import { cypherRoot, CypherRegistry, listCypherFiles } from '../../src/infra/neo4j/cypher-registry';
import { Database } from '../../src/infra/neo4j/database';
import { DATA_MIGRATIONS } from '../../src/data-migrations';
import { migrate } from '../../src/infra/neo4j/migrations';
import { startLocalNeo4j } from '../../src/infra/neo4j/neo4j-local-launcher';
import { provideNeo4j } from '../../src/infra/services/neo4j-service';
import { provideRedis } from '../../src/infra/services/redis-service';

const quiet = () => undefined;
/** Every migration file's version, so a new migration needs no edit here. */
const migrationVersions = listCypherFiles(path.join(cypherRoot, 'schema')).map((file) => Number(file.name.split('-')[0]));

describe('services the project starts itself', () => {
  it('runs Neo4j embedded on a data directory it is given, stops it on SIGTERM, and keeps the data', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'c360-launcher-test-'));
    const registry = new CypherRegistry();
    try {
      const first = await startLocalNeo4j({ dataDir, pageCacheMb: 32, heap: '512m' });
      expect(first.uri).toMatch(/^bolt:\/\/127\.0\.0\.1:\d+$/);
      let db = Database.connect(first.uri, 'neo4j', undefined, 'neo4j');
      await db.waitUntilReachable();
      const applied = await migrate(db, registry, DATA_MIGRATIONS);
      expect(migrationVersions.slice(0, 4)).toEqual([0, 1, 2, 3]);
      expect(applied.filter((m) => m.version !== null).map((m) => m.version)).toEqual(migrationVersions);
      expect(applied.filter((m) => m.version === null).map((m) => m.name)).toEqual(DATA_MIGRATIONS.map((m) => m.name));
      await db.close();
      await first.process.stop();
      expect(() => process.kill(first.process.pid, 0)).toThrow();

      const second = await startLocalNeo4j({ dataDir, pageCacheMb: 32, heap: '512m' });
      db = Database.connect(second.uri, 'neo4j', undefined, 'neo4j');
      await db.waitUntilReachable();
      // The versions recorded before the restart are still there, so nothing is applied twice.
      expect(await migrate(db, registry, DATA_MIGRATIONS)).toEqual([]);
      const versions = await db.read<{ version: number }>(registry.get('migrations/applied-versions'));
      expect(versions.map((v) => v.version).sort((a, b) => a - b)).toEqual(migrationVersions);
      await db.close();
      await second.process.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('uses NEO4J_URI as given, starting nothing', async () => {
    const config = loadConfig({ AUTH_DEV_MODE: 'true', NEO4J_URI: 'bolt://db.internal:7687', NEO4J_PASSWORD: 'pw-from-env' });
    const endpoint = await provideNeo4j(config.neo4j, quiet);
    expect(endpoint).toMatchObject({ uri: 'bolt://db.internal:7687', password: 'pw-from-env', origin: 'NEO4J_URI' });
  });

  it('starts redis-server on a free port when no REDIS_URL is set, and stops it', async () => {
    const redis = await provideRedis(undefined, quiet);
    expect(['redis-server', 'testcontainers']).toContain(redis.origin);
    const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    await client.connect();
    await client.set('c360:test', 'ok');
    expect(await client.get('c360:test')).toBe('ok');
    client.disconnect();
    await redis.stop();
    const after = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    await expect(after.connect()).rejects.toThrow();
    after.disconnect();
  });

  it('uses REDIS_URL as given', async () => {
    const endpoint = await provideRedis('redis://cache.internal:6379', quiet);
    expect(endpoint).toMatchObject({ url: 'redis://cache.internal:6379', origin: 'REDIS_URL' });
  });
});
