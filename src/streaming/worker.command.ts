import 'reflect-metadata';
import { createApp } from '../app';
import { ConfigError, loadConfig } from '../config/config';
import { Database } from '../infra/neo4j/database';
import { provideNeo4j } from '../infra/services/neo4j-service';
import { createLogger } from '../observability/logger';

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

  const started: { name: string; stop: () => Promise<void> }[] = [];
  const stopAll = async () => {
    for (const { name, stop } of started.reverse()) {
      await stop().catch((error: unknown) => logger.error({ err: error }, `could not stop ${name} cleanly`));
    }
  };
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker shutting down');
    await stopAll();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    const neo4j = await provideNeo4j(config.neo4j, (message) => logger.info(message));
    started.push({ name: 'Neo4j', stop: () => neo4j.stop() });
    const db = Database.connect(neo4j.uri, neo4j.user, neo4j.password, config.neo4j.database);
    started.push({ name: 'the Neo4j driver', stop: () => db.close() });
    await db.waitUntilReachable();
    const app = await createApp({ config, db, logger });
    started.push({ name: 'the worker', stop: () => app.stop() });
  } catch (error) {
    if (stopping) return;
    await stopAll();
    throw error;
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
