import type Redis from 'ioredis';
import { keyPart } from '../kernel/key-parts';

/**
 * Every copy of a customer's data kept in Redis MUST live under `c360:customer:<customerId>:`: erasure deletes
 * everything under that prefix for each of the person's profile ids, and nothing else finds a copy.
 */
export const CUSTOMER_CACHE_PREFIX = 'c360:customer:';
/** The id is escaped: an id holding ':' could otherwise put its keys under another customer's prefix. */
export const customerCacheKey = (customerId: string, suffix: string) => `${CUSTOMER_CACHE_PREFIX}${keyPart(customerId)}:${suffix}`;

/** Escapes glob characters, so a customer id can never widen the SCAN pattern to other customers' keys. */
const globEscape = (text: string) => text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

export class CustomerCache {
  /** `redis` null: no REDIS_URL, so no copy can exist. */
  constructor(private readonly redis: Redis | null) {}

  /** Deletes every key of these customers, a SCAN page at a time; returns how many were deleted. */
  async evict(customerIds: string[]): Promise<number> {
    if (!this.redis) return 0;
    let deleted = 0;
    for (const id of customerIds) {
      const match = `${globEscape(CUSTOMER_CACHE_PREFIX + keyPart(id))}:*`;
      let cursor = '0';
      do {
        const [next, keys] = await this.redis.scan(cursor, 'MATCH', match, 'COUNT', 500);
        if (keys.length > 0) deleted += await this.redis.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
    return deleted;
  }
}
