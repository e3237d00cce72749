import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Principal } from '../auth/principal';
import type { Config } from '../config/config';
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

  /** `redis`: the app's connection (its owner closes it); while Redis is away the insurance limiter answers. */
  static create(settings: Config['limits']['rate'], redis: Redis | null): OperationRateLimiter {
    if (settings.points === 0) return new OperationRateLimiter(null, null);
    const options = { points: settings.points, duration: settings.durationSeconds, keyPrefix: 'c360:rate' };
    if (!redis) return new OperationRateLimiter(new RateLimiterMemory(options), null);
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

  get redisStatus(): string | null {
    return this.redis?.status ?? null;
  }
}
