import path from 'node:path';
import { TokenMinter } from '../../src/auth/token-minter';
import type { Role } from '../../src/auth/roles';
import { startManagedProcess, type ManagedProcess } from '../../src/infra/services/managed-process';
import { TEST_JWT_SECRET } from './test-app';

export type ApiProcess = { url: string; pid: number; stop(): Promise<void> };

const ROOT = path.resolve(__dirname, '../..');
const READY = /Customer-360 API ready: GraphQL at (http:\/\/[^\s"]+)\/graphql/;

/**
 * The compiled API (dist/, built by the test globalSetup) as a separate process on the run's Neo4j and Redis, as
 * `npm start` runs it but on a free port, without seeding, with the tests' JWT secret: tokenForProcesses works on it.
 */
export async function startApiProcess(
  env: Record<string, string | undefined> = {},
  options: { timeoutMs?: number; onLine?: (line: string) => void } = {},
): Promise<ApiProcess> {
  const child: ManagedProcess = await startManagedProcess({
    name: 'API process',
    command: process.execPath,
    args: [path.join(ROOT, 'dist/main.js')],
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      SEED_ON_START: 'false',
      AUTH_DEV_MODE: 'false',
      AUTH_JWT_SECRET: TEST_JWT_SECRET,
      // Nothing in the background that the test did not ask for.
      RETENTION_INTERVAL_MINUTES: '0',
      SEGMENT_WINDOW_SCHEDULER: 'false',
      INGEST_WORKER_IN_PROCESS: 'false',
      ...env,
    },
    ready: READY,
    timeoutMs: options.timeoutMs ?? 60_000,
    onLine: options.onLine,
  });
  return { url: READY.exec(child.readyLine)![1], pid: child.pid, stop: () => child.stop() };
}

/** Several instances side by side, started together; stop() stops them all. */
export async function startApiProcesses(count: number, env: Record<string, string | undefined> = {}) {
  const started = await Promise.allSettled(Array.from({ length: count }, () => startApiProcess(env)));
  const running = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await Promise.all(running.map((api) => api.stop()));
    throw (failed as PromiseRejectedResult).reason;
  }
  return { instances: running, stop: () => Promise.all(running.map((api) => api.stop())).then(() => undefined) };
}

/** A bearer token every process started here accepts (default issuer and audience, the tests' secret). */
export const tokenForProcesses = (role: Role, claims: { purpose?: string; ttlSeconds?: number } = {}) =>
  new TokenMinter(TEST_JWT_SECRET, 'customer360', 'customer360-api').mint({ role, ...claims });
