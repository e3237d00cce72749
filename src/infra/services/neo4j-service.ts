import { Neo4jContainer } from '@testcontainers/neo4j';
import type { Config } from '../../config/config';
import { startLocalNeo4j } from '../neo4j/neo4j-local-launcher';
import { dockerEngineAnswers } from './docker-engine';

export type Neo4jEndpoint = {
  uri: string;
  user: string;
  password?: string;
  /** Where the database came from, for the start-up log. */
  origin: 'NEO4J_URI' | 'testcontainers' | 'embedded launcher';
  /** The database's own process, when it runs on this machine as a child (benchmarks read its CPU time). */
  pid?: number;
  stop(): Promise<void>;
};

export const NEO4J_IMAGE = 'neo4j:5.26-community';

/** NEO4J_URI if set; else a container if a Docker engine answers; else the embedded launcher. */
export async function provideNeo4j(config: Config['neo4j'], log: (message: string) => void): Promise<Neo4jEndpoint> {
  if (config.uri) {
    return { uri: config.uri, user: config.user, password: config.password, origin: 'NEO4J_URI', stop: async () => undefined };
  }
  if (await dockerEngineAnswers()) {
    log(`Starting ${NEO4J_IMAGE} with testcontainers...`);
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
  log(`Starting Neo4j embedded (tools/neo4j-local) with data in ${config.local.dataDir}...`);
  const local = await startLocalNeo4j(config.local, log);
  return { uri: local.uri, user: config.user, origin: 'embedded launcher', pid: local.process.pid, stop: () => local.process.stop() };
}
