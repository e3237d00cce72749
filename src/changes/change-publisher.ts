import type { ChangedCustomer } from '../identity/work-unit';
import type { AppPubSub } from './pubsub';

/** Turns what a committed batch changed into CUSTOMER_CHANGED events. */
export class ChangePublisher {
  constructor(
    private readonly pubSub: AppPubSub,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  publish(changed: ChangedCustomer[]): void {
    const at = this.clock().toISOString();
    for (const change of changed) this.pubSub.publish('CUSTOMER_CHANGED', change.customerId, { ...change, at });
  }
}
