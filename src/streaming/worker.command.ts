import 'reflect-metadata';
import { createApp } from '../app';
import { ConfigError, loadConfig } from '../config/config';
import { createLogger } from '../observability/logger';
import { exitWithFailure, runUntilSignalled, startDatabase } from '../infra/services/process-lifecycle';

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
    const db = await startDatabase(config, logger, started);
    const app = await createApp({ config, db, logger });
    started({ name: 'the worker', stop: () => app.stop() });
  });
}

main().catch((error: unknown) => exitWithFailure(error));
