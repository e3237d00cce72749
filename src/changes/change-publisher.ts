import type { ChangedCustomer } from '../identity/work-unit';
import type { ConsentChange } from './consent-change';
import type { MembershipChange } from '../segments/membership-change';
import type { AppPubSub } from './pubsub';

/** Turns what a committed transaction changed into events; call it only after the commit. */
export class ChangePublisher {
  constructor(
    private readonly pubSub: AppPubSub,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  publish(changed: ChangedCustomer[]): void {
    const at = this.clock().toISOString();
    for (const change of changed) this.pubSub.publish('CUSTOMER_CHANGED', change.customerId, { ...change, at });
  }

  /** Segment membership changes: to in-process listeners now; the durable feed takes them across instances. */
  async publishMemberships(changes: MembershipChange[]): Promise<void> {
    for (const change of changes) this.pubSub.publish('SEGMENT_MEMBERSHIP_CHANGED', change);
  }

  publishConsent(changes: ConsentChange[]): void {
    for (const change of changes) {
      this.pubSub.publish('CONSENT_CHANGED', change);
      this.pubSub.publish('CUSTOMER_CONSENT_CHANGED', change.customerId, change);
    }
  }
}
