import 'reflect-metadata';
import { createApp } from '../app';
import { ConfigError, loadConfig } from '../config/config';
import { Database } from '../infra/neo4j/database';
import { provideNeo4j } from '../infra/services/neo4j-service';
import { createLogger } from '../observability/logger';
import { runUntilSignalled } from '../infra/services/process-lifecycle';

/**
 * `npm run worker`: the ingest stream's consumer on its own. The app is composed as for the API (same ingestion path,
 * migrations, metrics) but never listens; the worker is the app's in-process one, switched on.
 */
async function main() {
  const loaded = loadConfig();
  if (!loaded.redis.url) {
    throw new ConfigError('The ingest worker reads a Redis Stream: set REDIS_URL (e.g. redis://127.0.0.1:6379).');
  }
  const config = Object.freeze({ ...loaded, streaming: { ...loaded.streaming, workerInProcess: true } });
  const logger = createLogger(config.logLevel);

  await runUntilSignalled(logger, async (started) => {
    const neo4j = await provideNeo4j(config.neo4j, (message) => logger.info(message));
    started({ name: 'Neo4j', stop: () => neo4j.stop() });
    const db = Database.connect(neo4j.uri, neo4j.user, neo4j.password, config.neo4j.database);
    started({ name: 'the Neo4j driver', stop: () => db.close() });
    await db.waitUntilReachable();
    const app = await createApp({ config, db, logger });
    started({ name: 'the worker', stop: () => app.stop() });
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
