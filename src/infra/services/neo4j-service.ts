import type { Config } from '../../config/config';
import { findPublishedNeo4j } from '../neo4j/neo4j-address-file';
import { dockerEngineAnswers } from './docker-engine';
import { EmbeddedNeo4j } from './embedded-neo4j';

export type Neo4jEndpoint = {
  uri: string;
  user: string;
  password?: string;
  /** Where the database came from, for the start-up log. */
  origin: 'NEO4J_URI' | 'testcontainers' | 'embedded launcher' | 'embedded launcher of another process';
  /** The database's own process, when it runs on this machine (benchmarks read its CPU time); it changes on a restart. */
  readonly pid?: number;
  stop(): Promise<void>;
};

export const NEO4J_IMAGE = 'neo4j:5.26-community';

/**
 * NEO4J_URI if set; else the embedded Neo4j another process already runs on the data directory (`npm start`, for
 * a command beside it); else a container if a Docker engine answers; else the embedded launcher, supervised.
 */
export async function provideNeo4j(
  config: Config['neo4j'],
  log: (message: string) => void,
  warn: (message: string) => void = log,
): Promise<Neo4jEndpoint> {
  if (config.uri) {
    return { uri: config.uri, user: config.user, password: config.password, origin: 'NEO4J_URI', stop: async () => undefined };
  }
  if (!findPublishedNeo4j(config.local.dataDir) && (await dockerEngineAnswers())) {
    log(`Starting ${NEO4J_IMAGE} with testcontainers...`);
    const { Neo4jContainer } = await import('@testcontainers/neo4j');
    const container = await new Neo4jContainer(NEO4J_IMAGE).start();
    return {
      uri: container.getBoltUri(),
      user: container.getUsername(),
      password: container.getPassword(),
      origin: 'testcontainers',
      stop: async () => {
        await container.stop();
      },
    };
  }
  if (!findPublishedNeo4j(config.local.dataDir)) log(`Starting Neo4j embedded (tools/neo4j-local) with data in ${config.local.dataDir}...`);
  const embedded = await EmbeddedNeo4j.start(config.local, { info: log, warn });
  return {
    uri: embedded.uri,
    user: config.user,
    origin: embedded.shared ? 'embedded launcher of another process' : 'embedded launcher',
    get pid() {
      return embedded.pid;
    },
    stop: () => embedded.stop(),
  };
}
