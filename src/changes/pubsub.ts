import { createPubSub } from '@graphql-yoga/subscription';
import type { CustomerChange } from './customer-change';

/** The typed topics of the in-process PubSub, keyed by customer id. */
export type Topics = {
  CUSTOMER_CHANGED: [customerId: string, payload: CustomerChange];
};

export const createAppPubSub = () => createPubSub<Topics>();
export type AppPubSub = ReturnType<typeof createAppPubSub>;
