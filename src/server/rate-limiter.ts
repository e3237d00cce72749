import { Redis } from 'ioredis';
import { once } from 'node:events';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Principal } from '../auth/principal';
import type { Config } from '../config/config';
import type { Logger } from '../observability/logger';
import { AppError } from '../shared/errors';

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Whose budget an operation spends: the token's subject, or the client's address when no token came. */
export function rateLimitKey(principal: Principal, clientAddress: string | undefined): string {
  return principal.authenticated ? `sub:${principal.subject}` : `ip:${clientAddress ?? 'unknown'}`;
}

export class RateLimitedError extends AppError {
  /** `transportDetails`: what one transport adds, such as Apollo's `http` extension (status and Retry-After). */
  constructor(retryAfterSeconds: number, transportDetails: Record<string, unknown> = {}) {
    super('RATE_LIMITED', `Too many requests; retry in ${retryAfterSeconds} s`, { retryAfter: retryAfterSeconds, ...transportDetails });
  }
}

/**
 * Operations per principal per window. On Redis when REDIS_URL is set, so every instance of the API spends one
 * budget; in memory otherwise. A Redis outage falls back to a per-instance budget rather than refusing everyone.
 */
export class OperationRateLimiter {
  private constructor(
    private readonly limiter: RateLimiterAbstract | null,
    private readonly redis: Redis | null,
  ) {}

  static async create(settings: Config['limits']['rate'], redisUrl: string | undefined, logger: Logger): Promise<OperationRateLimiter> {
    if (settings.points === 0) return new OperationRateLimiter(null, null);
    const options = { points: settings.points, duration: settings.durationSeconds, keyPrefix: 'c360:rate' };
    if (!redisUrl) return new OperationRateLimiter(new RateLimiterMemory(options), null);
    // No offline queue: while Redis is away a consume fails at once and the insurance limiter answers.
    const redis = new Redis(redisUrl, { enableOfflineQueue: false, lazyConnect: true });
    redis.on('error', (error: Error) => logger.warn({ reason: error.message }, 'rate limiter: Redis unavailable, limiting per instance'));
    // Connected before the first request, so a fresh instance spends the shared budget from the start; a Redis
    // that is down does not stop the API (ioredis keeps reconnecting).
    await redis.connect().catch(() => undefined);
    const limiter = new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: new RateLimiterMemory(options) });
    return new OperationRateLimiter(limiter, redis);
  }

  async consume(key: string): Promise<RateDecision> {
    if (!this.limiter) return { allowed: true };
    try {
      await this.limiter.consume(key);
      return { allowed: true };
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
      throw rejection;
    }
  }

  /** Ends the Redis connection; the app's stop calls it, so no socket outlives the app. */
  async close(): Promise<void> {
    const redis = this.redis;
    if (!redis || redis.status === 'end') return;
    if (redis.status !== 'ready') return redis.disconnect(); // still (re)connecting: nothing to say goodbye to
    // quit() resolves on Redis's reply; the socket is gone only at 'end'.
    const ended = once(redis, 'end');
    await redis.quit().catch(() => redis.disconnect());
    await ended;
  }

  get redisStatus(): string | null {
    return this.redis?.status ?? null;
  }
}
