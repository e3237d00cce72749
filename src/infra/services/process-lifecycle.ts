import { ConfigError, type Config } from '../../config/config';
import type { Logger } from '../../observability/logger';
import { Database, DatabaseUnreachable } from '../neo4j/database';
import { LocalNeo4jStartError } from '../neo4j/neo4j-local-launcher';
import { provideNeo4j, type Neo4jEndpoint } from './neo4j-service';

/** A service a process started, and how to stop it; services stop in the reverse order of their start. */
export type Started = { name: string; stop: () => Promise<void> };

/**
 * Neo4j (as configured: NEO4J_URI, the embedded Neo4j another process runs on the same data directory, a container or
 * the embedded launcher) and a reachable driver, each registered to stop. A process that serves (`watch`) also logs
 * the connection and every change of Neo4j's availability; a one-shot command stays quiet.
 */
export async function startDatabase(
  config: Config,
  logger: Logger,
  started: (service: Started) => void,
  { watch }: { watch: boolean } = { watch: true },
): Promise<Database> {
  const neo4j = await provideLoggedNeo4j(config, logger);
  started({ name: 'Neo4j', stop: () => neo4j.stop() });
  const db = Database.connect(neo4j.uri, neo4j.user, neo4j.password, config.neo4j.database);
  started({ name: 'the Neo4j driver', stop: () => db.close() });
  await db.waitUntilReachable();
  if (!watch) return db;
  logger.info({ origin: neo4j.origin, uri: neo4j.uri }, 'connected to Neo4j');
  db.onAvailability((change) =>
    change.available
      ? logger.info(change, 'Neo4j answers again: requests are served')
      : logger.warn('Neo4j is unreachable: requests fail at once with SERVICE_UNAVAILABLE (retryable) until it answers'),
  );
  return db;
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
 * that one line on stderr (a UsageError followed by the command's usage, if given); anything else is a defect,
 * printed with its stack.
 */
export function exitWithFailure(error: unknown, code = 1, usage?: string): never {
  const explained =
    error instanceof ConfigError ||
    error instanceof UsageError ||
    error instanceof LocalNeo4jStartError ||
    error instanceof DatabaseUnreachable ||
    // node:util parseArgs: an unknown option or a missing value.
    String((error as NodeJS.ErrnoException)?.code).startsWith('ERR_PARSE_ARGS');
  console.error(explained ? (error as Error).message : error);
  if (usage && error instanceof UsageError) console.error(`\n${usage}`);
  process.exit(code);
}
