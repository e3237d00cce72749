import { Redis } from 'ioredis';
import { createAppPubSub, IN_PROCESS_TOPICS } from '../../src/changes/pubsub';
import { createRedisEventTarget } from '../../src/changes/redis-event-target';
import type { ConsentChange } from '../../src/kernel/consent-change';
import type { CustomerChange } from '../../src/changes/customer-change';
import { freePort } from '../../src/infra/services/managed-process';
import { createLogger } from '../../src/observability/logger';
import { unique } from '../support/test-app';

const logger = createLogger('silent');
const customerChange = (customerId: string): CustomerChange => ({ customerId, change: 'UPDATED', mergedInto: null, at: '2026-03-01T10:00:00.000Z' });
const consentChange = (customerId: string): ConsentChange => ({
  customerId,
  purpose: 'analytics',
  status: 'GRANTED',
  previousStatus: null,
  occurredAt: '2026-03-01T10:00:00.000Z',
  source: 'app',
});

/** Two PubSubs on one Redis, as two instances have them. */
describe('the PubSub across instances', () => {
  const connections: Redis[] = [];
  const connect = (url: string, options = {}) => {
    const redis = new Redis(url, { lazyConnect: true, ...options });
    redis.on('error', () => undefined);
    connections.push(redis);
    return redis;
  };
  const instance = (url: string, publisherOptions = {}) =>
    createAppPubSub(
      createRedisEventTarget({
        publisher: connect(url, { enableOfflineQueue: false, ...publisherOptions }),
        subscriber: connect(url),
        localTopics: IN_PROCESS_TOPICS,
        logger,
      }),
    );
  afterAll(() => connections.forEach((redis) => redis.disconnect()));

  it('delivers per-customer topics on every instance and keeps CONSENT_CHANGED in the process that published it', async () => {
    const url = process.env.REDIS_URL!;
    const [a, b] = [instance(url), instance(url)];
    await Promise.all(connections.map((redis) => redis.connect()));
    const customerId = unique('c');
    const onB = b.subscribe('CUSTOMER_CHANGED', customerId)[Symbol.asyncIterator]();
    const consentOnA = a.subscribe('CONSENT_CHANGED')[Symbol.asyncIterator]();
    const consentOnB = b.subscribe('CONSENT_CHANGED')[Symbol.asyncIterator]();
    const heardOnB = onB.next();
    // The Redis subscription is made asynchronously; publish until B hears the first.
    const probe = setInterval(() => a.publish('CUSTOMER_CHANGED', customerId, customerChange(customerId)), 50);
    try {
      expect((await heardOnB).value).toEqual(customerChange(customerId));
    } finally {
      clearInterval(probe);
    }

    const other = unique('c');
    const heardOnA = consentOnA.next();
    a.publish('CONSENT_CHANGED', consentChange(other));
    expect((await heardOnA).value).toEqual(consentChange(other));
    // B hears only its own: the next consent change B receives is the one B published.
    const heardByB = consentOnB.next();
    b.publish('CONSENT_CHANGED', consentChange(customerId));
    expect((await heardByB).value).toEqual(consentChange(customerId));
    await Promise.all([onB.return?.(), consentOnA.return?.(), consentOnB.return?.()]);
  });

  it('still delivers to its own subscribers while Redis is away', async () => {
    const nowhere = `redis://127.0.0.1:${await freePort()}`;
    const pubSub = instance(nowhere);
    const customerId = unique('c');
    const subscription = pubSub.subscribe('CUSTOMER_CHANGED', customerId)[Symbol.asyncIterator]();
    const heard = subscription.next();
    pubSub.publish('CUSTOMER_CHANGED', customerId, customerChange(customerId));
    expect((await heard).value).toEqual(customerChange(customerId));
    await subscription.return?.();
  });
});
