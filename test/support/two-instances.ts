import type { Client } from 'graphql-ws';
import { Redis } from 'ioredis';
import { startApiProcesses, tokenForProcesses, type ApiProcess } from './api-processes';
import { ingestEventsMutation, type IngestResult } from './ingest';
import { unique } from './test-app';
import { postGraphQL, wsClient } from './transports';

export type TwoInstances = {
  a: ApiProcess;
  b: ApiProcess;
  /** An admin token both accept. */
  token: string;
  /** The membership feed of these two only (a Redis stream of its own), deleted by close(). */
  feedKey: string;
  redis: Redis;
  /** Runs an operation over HTTP on one instance, expecting no errors; returns data. */
  call(instance: ApiProcess, query: string, variables?: Record<string, unknown>): Promise<any>;
  ingestOn(instance: ApiProcess, events: readonly Record<string, unknown>[], select?: string): Promise<IngestResult[]>;
  /** A graphql-ws client on one instance, as admin; disposed by close(). */
  client(instance: ApiProcess): Client;
  close(): Promise<void>;
};

/** Two API processes on the run's Neo4j and Redis, sharing a membership feed of their own: what one does, the other hears. */
export async function startTwoInstances(): Promise<TwoInstances> {
  const feedKey = `c360:test:feed:${unique()}`;
  const started = await startApiProcesses(2, { FEED_KEY: feedKey });
  const [a, b] = started.instances;
  const token = await tokenForProcesses('admin');
  const redis = new Redis(process.env.REDIS_URL!);
  const clients: Client[] = [];
  const call = async (instance: ApiProcess, query: string, variables: Record<string, unknown> = {}) => {
    const response = await postGraphQL(instance.url, { query, variables }, token);
    expect(response.errors).toBeUndefined();
    return response.data;
  };
  return {
    a,
    b,
    token,
    feedKey,
    redis,
    call,
    ingestOn: async (instance, events, select) => (await call(instance, ingestEventsMutation(select), { events })).ingestEvents.results,
    client(instance) {
      const client = wsClient(instance.url, token);
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((client) => client.dispose()));
      await redis.del(feedKey);
      redis.disconnect();
      await started.stop();
    },
  };
}
