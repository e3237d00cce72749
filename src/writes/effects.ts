import type { ConsentChange } from '../kernel/consent-change';
import type { MembershipChange } from '../kernel/membership-change';

/** A customer's profile changed: created, updated, or merged into a survivor. */
export type ChangedCustomer = { customerId: string; change: 'CREATED' | 'UPDATED' | 'MERGED' | 'UNMERGED'; mergedInto: string | null };

/**
 * What a write changed about a customer, in the keys of the segments' dependency index (`attribute:city`,
 * `consent:marketing`, `event:Order Completed`, ...); ALL after creation, merge or removal.
 */
export type Touch = { customerId: string; reads: ReadonlySet<string> | 'ALL' };

/** How a write, and a consequence that derives more from it, report what they changed. */
export type Effects = {
  customersChanged(changes: readonly ChangedCustomer[]): void;
  /** The consent in force that changed, as diffed under the write's locks. */
  consentsChanged(changes: readonly ConsentChange[]): void;
  /** Re-evaluated in the same transaction by the segments that read what was touched. */
  touched(touches: readonly Touch[]): void;
  /** Membership changes the write decided itself (whole-population runs, windows, erasure, retention). */
  membershipsChanged(changes: readonly MembershipChange[]): void;
  /** Pairs of customers newly queued for a steward's review (match candidate ids). */
  reviewsQueued(ids: readonly string[]): void;
};

/** Everything a write reported, as its consequences read it. */
export type ReportedEffects = {
  readonly customers: readonly ChangedCustomer[];
  readonly consents: readonly ConsentChange[];
  readonly touches: readonly Touch[];
  readonly memberships: readonly MembershipChange[];
  readonly reviews: readonly string[];
};

/** One attempt's effects; a retried transaction starts a new recorder, so nothing is counted twice. */
export class EffectsRecorder implements Effects, ReportedEffects {
  readonly customers: ChangedCustomer[] = [];
  readonly consents: ConsentChange[] = [];
  readonly touches: Touch[] = [];
  readonly memberships: MembershipChange[] = [];
  readonly reviews: string[] = [];
  private sealedBy: string | null = null;

  customersChanged(changes: readonly ChangedCustomer[]): void {
    this.open();
    this.customers.push(...changes);
  }

  consentsChanged(changes: readonly ConsentChange[]): void {
    this.open();
    this.consents.push(...changes);
  }

  touched(touches: readonly Touch[]): void {
    this.open();
    this.touches.push(...touches);
  }

  membershipsChanged(changes: readonly MembershipChange[]): void {
    this.open();
    this.memberships.push(...changes);
  }

  reviewsQueued(ids: readonly string[]): void {
    this.open();
    this.reviews.push(...ids);
  }

  /** From here on consequences only read: an effect reported now would escape those that already read (the outbox). */
  seal(by: string): void {
    this.sealedBy = by;
  }

  private open() {
    if (this.sealedBy !== null) {
      throw new Error(`an effect was reported after "${this.sealedBy}" began reading them: a consequence that adds effects registers with stage 'derive'`);
    }
  }
}
