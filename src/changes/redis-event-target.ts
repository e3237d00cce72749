import type { Redis } from 'ioredis';
import type { Logger } from '../observability/logger';

type Listener = NonNullable<Parameters<EventTarget['addEventListener']>[1]>;
type AddOptions = Parameters<EventTarget['addEventListener']>[2];
type RemoveOptions = Parameters<EventTarget['removeEventListener']>[2];

const call = (listener: Listener, event: Event) => (typeof listener === 'function' ? listener(event) : listener.handleEvent(event));

/**
 * The PubSub's event target across instances, after @graphql-yoga/redis-event-target: an event is published on a
 * Redis channel and reaches this instance's listeners when Redis hands it back, as it reaches every other instance's.
 * Topics in `localTopics` stay in this process (consumers that act on every change, e.g. segment evaluation, must
 * act once, on the instance that made it). Publishing is at most once, as with any pub/sub: replay is the feed's job.
 */
export function createRedisEventTarget({
  publisher,
  subscriber,
  localTopics,
  logger,
  prefix = 'c360:pubsub:',
}: {
  /** The app's shared connection. */
  publisher: Redis;
  /** A connection of its own: one in subscriber mode can send nothing else. */
  subscriber: Redis;
  localTopics: ReadonlySet<string>;
  logger: Logger;
  prefix?: string;
}): EventTarget {
  const local = new EventTarget();
  const listeners = new Map<string, Set<Listener>>();
  const isLocal = (type: string) => localTopics.has(type.split(':')[0]);

  const deliver = (topic: string, detail: unknown) => {
    const subscribed = listeners.get(topic);
    if (!subscribed) return;
    const event = new CustomEvent(topic, { detail });
    for (const listener of subscribed) call(listener, event);
  };
  subscriber.on('message', (channel: string, message: string) => deliver(channel.slice(prefix.length), JSON.parse(message)));

  const unavailable = (error: Error) => logger.warn({ reason: error.message }, 'Redis pub/sub unavailable');

  return {
    addEventListener(type: string, listener: Listener | null, options?: AddOptions) {
      if (!listener) return;
      if (isLocal(type)) return local.addEventListener(type, listener, options);
      let subscribed = listeners.get(type);
      if (!subscribed) {
        listeners.set(type, (subscribed = new Set()));
        subscriber.subscribe(prefix + type).catch(unavailable);
      }
      subscribed.add(listener);
    },
    removeEventListener(type: string, listener: Listener | null, options?: RemoveOptions) {
      if (!listener) return;
      if (isLocal(type)) return local.removeEventListener(type, listener, options);
      const subscribed = listeners.get(type);
      if (!subscribed?.delete(listener) || subscribed.size > 0) return;
      listeners.delete(type);
      subscriber.unsubscribe(prefix + type).catch(unavailable);
    },
    dispatchEvent(event: Event) {
      if (isLocal(event.type)) return local.dispatchEvent(event);
      const detail = (event as CustomEvent).detail ?? null;
      publisher.publish(prefix + event.type, JSON.stringify(detail)).catch((error: Error) => {
        // Redis is away: this instance's own subscribers still hear it; the other instances cannot.
        unavailable(error);
        deliver(event.type, detail);
      });
      return true;
    },
  };
}
