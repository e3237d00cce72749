import { createPubSub } from '@graphql-yoga/subscription';
import type { ConsentChange } from '../kernel/consent-change';
import type { CustomerChange } from './customer-change';

/** The typed topics of the app's PubSub. */
export type Topics = {
  /** Keyed by customer id; reaches subscribers on every instance when Redis is configured. */
  CUSTOMER_CHANGED: [customerId: string, payload: CustomerChange];
  /** Every consent change, for in-process consumers that follow all customers (segments, audiences): never leaves this process. */
  CONSENT_CHANGED: [payload: ConsentChange];
  /** The same events keyed by customer id, for subscribers of one customer; on every instance, like CUSTOMER_CHANGED. */
  CUSTOMER_CONSENT_CHANGED: [customerId: string, payload: ConsentChange];
  /** A pair newly queued for a steward's review; on every instance, for review screens. */
  MATCH_CANDIDATE_ADDED: [payload: { id: string }];
};

/** Topics whose consumers act on each event once, on the instance that made the change. */
export const IN_PROCESS_TOPICS: ReadonlySet<keyof Topics> = new Set(['CONSENT_CHANGED']);

/** In-process by default; across instances with an event target such as createRedisEventTarget. */
export const createAppPubSub = (eventTarget?: EventTarget) => createPubSub<Topics>(eventTarget ? { eventTarget: eventTarget as never } : undefined);
export type AppPubSub = ReturnType<typeof createAppPubSub>;
