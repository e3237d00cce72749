import { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { toEntries, type StreamEntry } from '../../src/streaming/ingest-stream';

/** Stream, group and dead-letter keys of one test, so tests share one Redis without seeing each other's messages. */
export const streamEnv = (u: string, extra: Record<string, string> = {}) => ({
  INGEST_STREAM_KEY: `${u}:events`,
  INGEST_STREAM_GROUP: `${u}-group`,
  INGEST_DEAD_LETTER_STREAM: `${u}:dead`,
  INGEST_WORKER_BLOCK_MS: '100',
  ...extra,
});

export const testRedis = () => new Redis(process.env.REDIS_URL!);

/** Polls until `check` holds; the deadline only turns a hang into a readable failure, it measures nothing. */
export async function eventually<T>(what: string, probe: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** Entries delivered to the group and not yet acknowledged. */
export async function pendingCount(redis: Redis, stream: string, group: string): Promise<number> {
  const summary = (await redis.xpending(stream, group)) as [number, ...unknown[]];
  return Number(summary[0]);
}

export async function deadLetters(redis: Redis, key: string): Promise<StreamEntry[]> {
  return toEntries(await redis.xrange(key, '-', '+'));
}
