import type { Config } from '../../config/config';
import type { Logger } from '../../observability/logger';
import { Database } from '../neo4j/database';
import { provideNeo4j } from './neo4j-service';

export type Started = { name: string; stop: () => Promise<void> };

/**
 * A process that starts services in order (Neo4j, the driver, the app...) and stops them in reverse: on SIGINT or
 * SIGTERM at any stage, even mid-start, or when starting fails. `start` registers each service as it comes up.
 */
export async function runUntilSignalled(logger: Logger, start: (started: (service: Started) => void) => Promise<void>): Promise<void> {
  const started: Started[] = [];
  const stopAll = async () => {
    for (const { name, stop } of started.reverse()) {
      await stop().catch((error: unknown) => logger.error({ err: error }, `could not stop ${name} cleanly`));
    }
  };
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await stopAll();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    await start((service) => started.push(service));
  } catch (error) {
    if (stopping) return;
    await stopAll();
    throw error;
  }
}

/** Neo4j (as configured: NEO4J_URI, a container or the embedded launcher) and a reachable driver, each registered to stop. */
export async function startDatabase(config: Config, logger: Logger, started: (service: Started) => void): Promise<Database> {
  const neo4j = await provideNeo4j(config.neo4j, (message) => logger.info(message));
  started({ name: 'Neo4j', stop: () => neo4j.stop() });
  const db = Database.connect(neo4j.uri, neo4j.user, neo4j.password, config.neo4j.database);
  started({ name: 'the Neo4j driver', stop: () => db.close() });
  await db.waitUntilReachable();
  logger.info({ origin: neo4j.origin, uri: neo4j.uri }, 'connected to Neo4j');
  return db;
}
