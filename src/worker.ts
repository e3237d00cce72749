import 'reflect-metadata';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config/config';
import { runCommand } from './infra/services/run-command';

/**
 * `npm run worker`: the ingest stream's consumer on its own. The app is composed as for the API (same ingestion path,
 * migrations, metrics) but never listens; the worker is the app's in-process one, switched on.
 */
runCommand({
  needs: 'database',
  until: 'signalled',
  async run(command) {
    const loaded = loadConfig();
    if (!loaded.redis.url) {
      throw new ConfigError('The ingest worker reads a Redis Stream: set REDIS_URL (e.g. redis://127.0.0.1:6379).');
    }
    const { config, logger } = command.configure(Object.freeze({ ...loaded, streaming: { ...loaded.streaming, workerInProcess: true } }));
    const db = await command.database();
    const app = await createApp({ config, db, logger });
    command.started({ name: 'the worker', stop: () => app.stop() });
  },
});
