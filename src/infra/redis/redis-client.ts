import { Redis } from 'ioredis';
import { once } from 'node:events';
import type { Logger } from '../../observability/logger';

/**
 * The app's one Redis connection (rate limits, cache eviction on erasure). No offline queue: while Redis is away a
 * command fails at once and its caller falls back or fails visibly; ioredis keeps reconnecting in the background, so
 * Redis coming back needs no restart. Connected before the first request; a Redis that is down does not stop the API.
 */
export async function connectRedis(url: string | undefined, logger: Logger): Promise<Redis | null> {
  if (!url) return null;
  const redis = new Redis(url, { enableOfflineQueue: false, lazyConnect: true, maxRetriesPerRequest: 2 });
  redis.on('error', (error: Error) => logger.warn({ reason: error.message }, 'Redis unavailable'));
  await redis.connect().catch(() => undefined);
  return redis;
}

/** Ends the connection so no socket outlives the app. */
export async function closeRedis(redis: Redis | null): Promise<void> {
  if (!redis || redis.status === 'end') return;
  if (redis.status !== 'ready') return redis.disconnect(); // still (re)connecting: nothing to say goodbye to
  // quit() resolves on Redis's reply; the socket is gone only at 'end'.
  const ended = once(redis, 'end');
  await redis.quit().catch(() => redis.disconnect());
  await ended;
}
