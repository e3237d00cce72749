import type { UnitOfWork } from '../writes/unit-of-work';
import type { ChangePublisher } from './change-publisher';
import type { OwedChanges } from './membership-outbox';

/**
 * The changes side of every write: membership changes are owed in the outbox by the transaction that decided them;
 * after commit, customer and consent changes go to the PubSub and membership changes to the durable feed.
 */
export function registerChangePublishing(writes: UnitOfWork, changes: ChangePublisher): void {
  writes.register({
    name: 'customer, consent and review changes',
    afterCommit: (effects) => {
      changes.publish(effects.customers);
      changes.publishConsent(effects.consents);
      changes.publishReviews(effects.reviews);
    },
  });
  writes.register<OwedChanges>({
    name: 'membership outbox',
    inTransaction: (tx, effects) => changes.oweMemberships(tx, effects.memberships),
    afterCommit: (_effects, owed) => changes.publishMemberships(owed),
  });
}
