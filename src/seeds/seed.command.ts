import 'reflect-metadata';
import { createApp } from '../app';
import { loadConfig } from '../config/config';
import { exitWithFailure, withDatabase } from '../infra/services/process-lifecycle';
import { createLogger } from '../observability/logger';
import { seedDemo } from './demo-seed';

/** `npm run seed`: loads the demo data into the configured (or embedded) Neo4j; repeating it changes nothing. */
async function main() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  await withDatabase(config, logger, async (db) => {
    const app = await createApp({ config, db, logger });
    await seedDemo(app.services.ingestion, logger);
    await app.stop();
  });
}

main().catch((error: unknown) => exitWithFailure(error));
