import type { ChangedCustomer } from '../identity/work-unit';
import type { ConsentChange } from './consent-change';
import type { MembershipChange } from '../segments/membership-change';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import type { MembershipFeed } from './membership-feed';
import type { AppPubSub } from './pubsub';

/** Turns what a committed transaction changed into events; call it only after the commit. */
export class ChangePublisher {
  constructor(
    private readonly pubSub: AppPubSub,
    private readonly feed: Pick<MembershipFeed, 'append'>,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  publish(changed: ChangedCustomer[]): void {
    const at = this.clock().toISOString();
    for (const change of changed) this.pubSub.publish('CUSTOMER_CHANGED', change.customerId, { ...change, at });
  }

  /**
   * Segment membership changes go to the durable feed, which gives each its cursor and carries it to every instance.
   * The changes are committed already: a feed that is down must not fail the write that made them, so it is logged
   * and counted (the memberships in Neo4j stay right; subscribers miss these entries).
   */
  async publishMemberships(changes: MembershipChange[]): Promise<void> {
    if (changes.length === 0) return;
    try {
      await this.feed.append(changes);
      for (const change of changes) this.metrics.segmentMembershipChanges.inc({ change: change.change });
    } catch (error) {
      this.metrics.feedAppendFailures.inc(changes.length);
      this.logger.error({ err: error, changes: changes.length }, 'membership changes committed but not appended to the feed');
    }
  }

  publishConsent(changes: ConsentChange[]): void {
    for (const change of changes) {
      this.pubSub.publish('CONSENT_CHANGED', change);
      this.pubSub.publish('CUSTOMER_CONSENT_CHANGED', change.customerId, change);
    }
  }
}
