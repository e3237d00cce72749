import { Redis } from 'ioredis';
import { closeRedis } from '../infra/redis/redis-client';
import type { Logger } from '../observability/logger';
import { createAppPubSub, IN_PROCESS_TOPICS, type AppPubSub } from './pubsub';
import { createRedisEventTarget } from './redis-event-target';

/** The app's PubSub: across instances through Redis when it is configured, in-process otherwise. */
export function connectAppPubSub(url: string | undefined, publisher: Redis | null, logger: Logger): { pubSub: AppPubSub; close(): Promise<void> } {
  if (!url || !publisher) return { pubSub: createAppPubSub(), close: async () => undefined };
  const subscriber = new Redis(url, { maxRetriesPerRequest: null });
  subscriber.on('error', (error: Error) => logger.debug({ reason: error.message }, 'pub/sub subscriber: Redis unavailable'));
  const eventTarget = createRedisEventTarget({ publisher, subscriber, localTopics: IN_PROCESS_TOPICS, logger });
  return { pubSub: createAppPubSub(eventTarget), close: () => closeRedis(subscriber) };
}
