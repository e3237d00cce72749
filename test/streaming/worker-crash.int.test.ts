import { spawnSync } from 'node:child_process';
import type { Redis } from 'ioredis';
import path from 'node:path';
import type { RawEvent } from '../../src/ingestion/event-normalizer';
import { startManagedProcess, type ManagedProcess } from '../../src/infra/services/managed-process';
import { IngestStream } from '../../src/streaming/ingest-stream';
import { startTestApp, TEST_JWT_SECRET, unique, type TestApp } from '../support/test-app';
import { deadLetters, eventually, pendingCount, streamEnv, testRedis } from '../support/streams';

const ROOT = path.resolve(__dirname, '..', '..');
const EVENTS = 300;

describe('a worker killed with SIGKILL in the middle of its work', () => {
  const u = unique();
  const env = streamEnv(u, {
    INGEST_WORKER_BATCH_SIZE: '20',
    // Short, so the second worker reclaims the first one's unacknowledged batch soon after it died.
    INGEST_WORKER_CLAIM_IDLE_MS: '1000',
    INGEST_WORKER_CLAIM_INTERVAL_MS: '250',
  });
  let app: TestApp;
  let redis: Redis;
  const workers: ManagedProcess[] = [];
  beforeAll(async () => {
    app = await startTestApp();
    redis = testRedis();
  });
  afterAll(async () => {
    for (const worker of workers) await worker.stop();
    await app.close();
    redis.disconnect();
  });

  const startWorker = async () => {
    const worker = await startManagedProcess({
      name: 'ingest worker',
      command: process.execPath,
      args: ['dist/worker.js'],
      cwd: ROOT,
      env: { ...process.env, ...env, NODE_ENV: 'test', AUTH_JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'info', RETENTION_INTERVAL_MINUTES: '0', SEGMENT_WINDOW_SCHEDULER: 'false' },
      ready: /ingest worker started/,
      timeoutMs: 90_000,
    });
    workers.push(worker);
    return worker;
  };

  it('is replaced by another that applies every event exactly once, leaving nothing pending and nothing dead', async () => {
    const stream = new IngestStream(redis, { streamKey: env.INGEST_STREAM_KEY, group: env.INGEST_STREAM_GROUP });
    const events: RawEvent[] = Array.from({ length: EVENTS }, (_, i) => ({
      messageId: `${u}-m${i}`,
      type: 'IDENTIFY',
      userId: `${u}-user-${i}`,
      traits: { email: `${u}-${i}@crash.test` },
    }));
    const first = await startWorker();
    await stream.append(events);

    // Once a few batches are acknowledged (acknowledged entries leave the stream) and one is in hand (read, not acknowledged).
    const progress = async () => ({
      left: await redis.xlen(env.INGEST_STREAM_KEY),
      inHand: await pendingCount(redis, env.INGEST_STREAM_KEY, env.INGEST_STREAM_GROUP),
    });
    await eventually('a batch in hand after some acknowledged', progress, ({ left, inHand }) => left <= EVENTS - 40 && inHand > 0, 90_000);
    process.kill(first.pid, 'SIGKILL');
    await eventually('the killed worker', async () => isAlive(first.pid), (alive) => !alive);
    const leftOver = await redis.xlen(env.INGEST_STREAM_KEY);
    expect(leftOver).toBeGreaterThan(0);

    await startWorker();
    await eventually('stream length', () => redis.xlen(env.INGEST_STREAM_KEY), (n) => n === 0, 90_000);
    await eventually('pending entries', () => pendingCount(redis, env.INGEST_STREAM_KEY, env.INGEST_STREAM_GROUP), (n) => n === 0, 90_000);
    expect(await deadLetters(redis, env.INGEST_DEAD_LETTER_STREAM)).toEqual([]);

    // Every event was applied (its messageId is known) and once: one customer per user, each its own.
    const again = await app.services.ingestion.ingestEvents(events);
    expect(again.filter((r) => r.outcome !== 'DUPLICATE')).toEqual([]);
    expect(new Set(again.map((r) => r.customerId)).size).toBe(EVENTS);
  });
});

describe('the worker process', () => {
  it('stops on SIGTERM after acknowledging the batch in hand', async () => {
    const u = unique();
    const env = streamEnv(u, { INGEST_WORKER_BATCH_SIZE: '20' });
    const redis = testRedis();
    try {
      const stream = new IngestStream(redis, { streamKey: env.INGEST_STREAM_KEY, group: env.INGEST_STREAM_GROUP });
      const worker = await startManagedProcess({
        name: 'ingest worker',
        command: process.execPath,
        args: ['dist/worker.js'],
        cwd: ROOT,
        env: { ...process.env, ...env, NODE_ENV: 'test', AUTH_JWT_SECRET: TEST_JWT_SECRET, RETENTION_INTERVAL_MINUTES: '0', SEGMENT_WINDOW_SCHEDULER: 'false' },
        ready: /ingest worker started/,
        timeoutMs: 90_000,
      });
      await stream.append(Array.from({ length: EVENTS }, (_, i) => ({ messageId: `${u}-m${i}`, type: 'IDENTIFY', userId: `${u}-user-${i}` })));
      await eventually('a batch in hand', () => pendingCount(redis, env.INGEST_STREAM_KEY, env.INGEST_STREAM_GROUP), (n) => n > 0, 90_000);
      await worker.stop();
      expect(await pendingCount(redis, env.INGEST_STREAM_KEY, env.INGEST_STREAM_GROUP)).toBe(0);
      expect(await redis.xlen(env.INGEST_STREAM_KEY)).toBeLessThan(EVENTS);
    } finally {
      redis.disconnect();
    }
  });

  it('refuses to start without REDIS_URL, saying so', () => {
    const { REDIS_URL: _ignored, ...withoutRedis } = process.env;
    const run = spawnSync(process.execPath, ['dist/worker.js'], {
      cwd: ROOT,
      env: { ...withoutRedis, NODE_ENV: 'test', AUTH_JWT_SECRET: TEST_JWT_SECRET },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('set REDIS_URL');
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
