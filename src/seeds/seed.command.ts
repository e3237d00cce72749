import 'reflect-metadata';
import { createApp } from '../app';
import { loadConfig } from '../config/config';
import { Database } from '../infra/neo4j/database';
import { provideNeo4j } from '../infra/services/neo4j-service';
import { createLogger } from '../observability/logger';
import { seedDemo } from './demo-seed';

/** `npm run seed`: loads the demo data into the configured (or embedded) Neo4j; repeating it changes nothing. */
async function main() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const neo4j = await provideNeo4j(config.neo4j, (message) => logger.info(message));
  const db = Database.connect(neo4j.uri, neo4j.user, neo4j.password, config.neo4j.database);
  try {
    await db.waitUntilReachable();
    const app = await createApp({ config, db, logger });
    await seedDemo(app.services.ingestion, logger);
    await app.stop();
  } finally {
    await db.close();
    await neo4j.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
