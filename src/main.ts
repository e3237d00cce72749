import 'reflect-metadata';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config/config';
import { Database } from './infra/neo4j/database';
import { provideNeo4j } from './infra/services/neo4j-service';
import { createLogger } from './observability/logger';
import { seedDemoIfEmpty } from './seeds/demo-seed';

async function main() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const neo4j = await provideNeo4j(config.neo4j, (message) => logger.info(message));
  const db = Database.connect(neo4j.uri, neo4j.user, neo4j.password, config.neo4j.database);
  const stop = async () => {
    await db.close();
    await neo4j.stop();
  };
  try {
    await db.waitUntilReachable();
    logger.info({ origin: neo4j.origin, uri: neo4j.uri }, 'connected to Neo4j');
    const app = await createApp({ config, db, logger });
    if (config.seedOnStart) await seedDemoIfEmpty(app.services.ingestion, db, logger);
    const url = await app.listen(config.http.host, config.http.port);
    logger.info(`Customer-360 API ready: GraphQL at ${url}/graphql, health at ${url}/health/ready, metrics at ${url}/metrics`);

    let stopping = false;
    const shutdown = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      await app.stop();
      await stop();
      logger.info('stopped');
      process.exit(0);
    };
    process.on('SIGINT', () => void shutdown('SIGINT'));
    process.on('SIGTERM', () => void shutdown('SIGTERM'));
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
