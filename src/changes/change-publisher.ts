import type { ChangedCustomer } from '../writes/effects';
import type { ConsentChange } from '../kernel/consent-change';
import type { MembershipChange } from '../kernel/membership-change';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import type { MembershipFeed } from './membership-feed';
import type { MembershipOutbox, OwedChanges } from './membership-outbox';
import type { Tx } from '../infra/neo4j/database';
import type { AppPubSub } from './pubsub';

/** Turns what a committed transaction changed into events; call it only after the commit. */
export class ChangePublisher {
  constructor(
    private readonly pubSub: AppPubSub,
    private readonly feed: Pick<MembershipFeed, 'append'>,
    private readonly outbox: MembershipOutbox,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  publish(changed: readonly ChangedCustomer[]): void {
    const at = this.clock().toISOString();
    for (const change of changed) this.pubSub.publish('CUSTOMER_CHANGED', change.customerId, { ...change, at });
  }

  /** Inside the transaction that decided them: the changes are owed to the feed from the moment it commits. */
  oweMemberships(tx: Tx, changes: readonly MembershipChange[]): Promise<OwedChanges> {
    return this.outbox.recordIn(tx, changes);
  }

  /**
   * After commit: segment membership changes go to the durable feed, which gives each its cursor and carries it to
   * every instance. A feed that is down must not fail the write that made them: they stay in the outbox, and the
   * relay appends them once it is back.
   */
  async publishMemberships({ outboxId, changes }: OwedChanges): Promise<void> {
    if (changes.length === 0) return;
    try {
      await this.feed.append(changes);
      for (const change of changes) this.metrics.segmentMembershipChanges.inc({ change: change.change });
      if (outboxId) this.outbox.settle(outboxId);
    } catch (error) {
      this.metrics.feedAppendFailures.inc(changes.length);
      this.logger.error({ err: error, changes: changes.length }, 'membership changes committed, not yet in the feed: left to the outbox relay');
    }
  }

  /** Appends what the outbox still owes long after commit (a process stopped in between); returns how many changes. */
  async relayOwedMemberships(graceSeconds: number, batch = 100): Promise<number> {
    const owed = await this.outbox.claimStale(graceSeconds, batch);
    for (const { id, changes } of owed) {
      await this.feed.append(changes);
      await this.outbox.remove([id]);
    }
    return owed.reduce((n, o) => n + o.changes.length, 0);
  }

  publishReviews(ids: readonly string[]): void {
    for (const id of ids) this.pubSub.publish('MATCH_CANDIDATE_ADDED', { id });
  }

  publishConsent(changes: readonly ConsentChange[]): void {
    for (const change of changes) {
      this.pubSub.publish('CONSENT_CHANGED', change);
      this.pubSub.publish('CUSTOMER_CONSENT_CHANGED', change.customerId, change);
    }
  }
}
