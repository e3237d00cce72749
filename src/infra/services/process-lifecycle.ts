import { ConfigError, type Config } from '../../config/config';
import type { Logger } from '../../observability/logger';
import { Database, DatabaseUnreachable } from '../neo4j/database';
import { LocalNeo4jStartError } from '../neo4j/neo4j-local-launcher';
import { provideNeo4j, type Neo4jEndpoint } from './neo4j-service';

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
  const neo4j = await provideLoggedNeo4j(config, logger);
  started({ name: 'Neo4j', stop: () => neo4j.stop() });
  const db = Database.connect(neo4j.uri, neo4j.user, neo4j.password, config.neo4j.database);
  started({ name: 'the Neo4j driver', stop: () => db.close() });
  await db.waitUntilReachable();
  logger.info({ origin: neo4j.origin, uri: neo4j.uri }, 'connected to Neo4j');
  db.onAvailability((change) =>
    change.available
      ? logger.info(change, 'Neo4j answers again: requests are served')
      : logger.warn('Neo4j is unreachable: requests fail at once with SERVICE_UNAVAILABLE (retryable) until it answers'),
  );
  return db;
}

/**
 * A one-shot command's database, for the length of `work`: NEO4J_URI, or the embedded Neo4j that `npm start` (or
 * another command) runs on the same data directory, or one started here and stopped after.
 */
export async function withDatabase<T>(config: Config, logger: Logger, work: (db: Database) => Promise<T>): Promise<T> {
  const neo4j = await provideLoggedNeo4j(config, logger);
  const db = Database.connect(neo4j.uri, neo4j.user, neo4j.password, config.neo4j.database);
  try {
    await db.waitUntilReachable();
    return await work(db);
  } finally {
    await db.close();
    await neo4j.stop();
  }
}

const provideLoggedNeo4j = (config: Config, logger: Logger): Promise<Neo4jEndpoint> =>
  provideNeo4j(
    config.neo4j,
    (message) => logger.info(message),
    (message) => logger.warn(message),
  );

/** Arguments a command refuses; its message says what to give instead. */
export class UsageError extends Error {}

/**
 * Ends a process that failed. Failures whose message says what to do (configuration, arguments, no database) are
 * that one line on stderr; anything else is a defect, printed with its stack.
 */
export function exitWithFailure(error: unknown, code = 1): never {
  const explained =
    error instanceof ConfigError ||
    error instanceof UsageError ||
    error instanceof LocalNeo4jStartError ||
    error instanceof DatabaseUnreachable ||
    // node:util parseArgs: an unknown option or a missing value.
    String((error as NodeJS.ErrnoException)?.code).startsWith('ERR_PARSE_ARGS');
  console.error(explained ? (error as Error).message : error);
  process.exit(code);
}
