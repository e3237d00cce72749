import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dockerEngineAnswers } from './docker-engine';
import { freePort, startManagedProcess } from './managed-process';

export type RedisEndpoint = {
  url: string;
  origin: 'REDIS_URL' | 'testcontainers' | 'redis-server';
  stop(): Promise<void>;
};

export const REDIS_IMAGE = 'redis:7-alpine';

/** REDIS_URL if set; else a container if a Docker engine answers; else the redis-server binary on a free port. */
export async function provideRedis(url: string | undefined, log: (message: string) => void): Promise<RedisEndpoint> {
  if (url) return { url, origin: 'REDIS_URL', stop: async () => undefined };
  if (await dockerEngineAnswers()) {
    log(`Starting ${REDIS_IMAGE} with testcontainers...`);
    const { RedisContainer } = await import('@testcontainers/redis');
    const container = await new RedisContainer(REDIS_IMAGE).start();
    return { url: container.getConnectionUrl(), origin: 'testcontainers', stop: async () => void (await container.stop()) };
  }
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'c360-redis-'));
  log(`Starting redis-server on 127.0.0.1:${port}...`);
  let server;
  try {
    server = await startManagedProcess({
      name: 'redis-server',
      command: 'redis-server',
      args: ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
      ready: /Ready to accept connections/,
      timeoutMs: 20_000,
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `${(error as Error).message}\nRedis is needed here: set REDIS_URL, run a Docker engine, or install the binary (apt-get install -y redis-server).`,
    );
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    origin: 'redis-server',
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
