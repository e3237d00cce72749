import { createPubSub } from '@graphql-yoga/subscription';
import type { ConsentChange } from './consent-change';
import type { CustomerChange } from './customer-change';
import type { MembershipChange } from '../segments/membership-change';

/** The typed topics of the in-process PubSub. */
export type Topics = {
  /** Keyed by customer id. */
  CUSTOMER_CHANGED: [customerId: string, payload: CustomerChange];
  /** Every consent change, for in-process consumers that follow all customers (segments, audiences). */
  CONSENT_CHANGED: [payload: ConsentChange];
  /** The same events keyed by customer id, for subscribers of one customer. */
  CUSTOMER_CONSENT_CHANGED: [customerId: string, payload: ConsentChange];
  /** Committed segment membership changes decided in this process. */
  SEGMENT_MEMBERSHIP_CHANGED: [payload: MembershipChange];
};

export const createAppPubSub = () => createPubSub<Topics>();
export type AppPubSub = ReturnType<typeof createAppPubSub>;
