import type { Redis } from 'ioredis';
import type { Config } from '../config/config';
import type { Logger } from '../observability/logger';
import type { MembershipFeed } from './membership-feed';
import { MemoryMembershipFeed } from './memory-membership-feed';
import { RedisMembershipFeed } from './redis-membership-feed';

/** Shared across instances through Redis when it is configured; a single instance's memory otherwise. */
export async function createMembershipFeed(config: Config, redis: Redis | null, logger: Logger, clock?: () => Date): Promise<MembershipFeed> {
  if (!redis || !config.redis.url) return new MemoryMembershipFeed(config.feed.maxLength, clock);
  return RedisMembershipFeed.start({ redis, url: config.redis.url, key: config.feed.key, maxLength: config.feed.maxLength, logger });
}
