import { v7 as uuidv7 } from 'uuid';
import { consentChanges } from '../consent/consent-changes';
import type { ConsentRepository } from '../consent/consent.repository';
import { RetryableConflict, type Tx } from '../infra/neo4j/database';
import { profileKey } from '../kernel/identifier-type';
import { NotFoundError } from '../shared/errors';
import { sentTogether } from '../infra/neo4j/sent-together';
import { IdentityRepository, snapshotFrom, type OwnerRow } from './identity.repository';
import { withMatch, worthLocking } from './matching/match-keys';
import type { StoredModel } from './matching/model-store';
import type { AppliedRules } from './rules/rule-book';
import type { RecordDeletions } from './record-deletions';
import { planAttachments, type Attachments } from './plan-attachments';
import { keysOf, planResolution } from './resolution-planner';
import type { ResolutionPlan } from './resolution-plan';
import type { UnitResult, WorkUnit } from './work-unit';
import { touchesOfResolution } from './resolution-touches';
import type { ChangedCustomer, Effects } from '../writes/effects';

/** Every customer the plan touched: created, updated (linked, merged into, attributes, lost a shared device) or absorbed. */
function changedCustomers(plan: ResolutionPlan): ChangedCustomer[] {
  const created = new Set(plan.newCustomers.map((c) => c.id));
  const absorbed = new Map(plan.absorptions.map((a) => [a.absorbedId, a.survivorId]));
  const touched = new Set([
    ...plan.items.map((i) => plan.finalCustomerOf(i.customerId)),
    ...plan.profiles.map((p) => p.customerId),
    ...plan.sharedDevices.map((s) => s.customerId),
  ]);
  return [
    ...[...touched].map((customerId) => ({ customerId, change: created.has(customerId) ? ('CREATED' as const) : ('UPDATED' as const), mergedInto: null })),
    ...[...absorbed].map(([customerId, survivor]) => ({ customerId, change: 'MERGED' as const, mergedInto: survivor })),
  ];
}

/** Customers whose consent in force may change: those given statements, and survivors that took in other profiles. */
function consentWatch(units: WorkUnit[], plan: ResolutionPlan): string[] {
  const given = units.flatMap((unit, i) => (unit.consents.length > 0 ? [plan.finalCustomerOf(plan.items[i].customerId)] : []));
  const survivors = plan.absorptions.map((a) => plan.finalCustomerOf(a.survivorId));
  return [...new Set([...given, ...survivors])];
}

/** Lock rounds before giving up and retrying the transaction: owners keep moving only under heavy contention. */
const MAX_LOCK_ROUNDS = 5;

export type ResolutionOptions = {
  /** The rules in force when a batch starts (they change when another version is put in force). */
  rules: () => AppliedRules;
  sourcePriority: string[];
  /** Behaviour facts: the bucket of TRACK counts, and how long buckets are kept. */
  behaviour: { bucketMs: number; retentionMs: number };
  /** The match model in force when probabilistic matching is on (MATCH_MODE=SYNC); absent: deterministic only. */
  matchModel?: () => Promise<StoredModel | null>;
  /** Records their source deleted: detached by a re-resolution. */
  deletedRecords: Pick<RecordDeletions, 'detach' | 'coveredVersions'>;
};

/**
 * Incremental identity resolution for one batch inside one transaction: skip what was already applied,
 * lock the customers the batch's keys point to, plan in memory, write the plan with a few UNWIND statements.
 */
export class ResolutionService {
  constructor(
    private readonly repository: IdentityRepository,
    private readonly consents: ConsentRepository,
    private readonly options: ResolutionOptions,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Results in the order of `units`; what changed is reported to `effects` (customers, consent, segment touches). */
  async resolveIn(tx: Tx, units: WorkUnit[], effects: Effects): Promise<UnitResult[]> {
    // Its writes are a re-resolution's (identity/component-reresolution.ts): a batch has none for it.
    if (units.some((u) => u.item.decision?.kind === 'RETIRE')) throw new Error('an identifier is retired through a re-resolution, not in a batch');
    if (!units.some((u) => u.item.recordKey)) return this.resolveBatch(tx, units, effects);
    // Versions of records deleted since are not applied; deletions go after the rest of the batch.
    const covered = await this.options.deletedRecords.coveredVersions(tx, units);
    const deletions = units.filter((u) => u.item.recordDeleted);
    const rest = units.filter((u) => !u.item.recordDeleted && !covered.has(u));
    const results = new Map<WorkUnit, UnitResult>();
    (await this.resolveBatch(tx, rest, effects)).forEach((result, i) => results.set(rest[i], result));
    if (deletions.length > 0) {
      (await this.options.deletedRecords.detach(tx, effects, deletions, this.clock().toISOString())).forEach((result, i) => results.set(deletions[i], result));
    }
    return units.map((unit) => results.get(unit) ?? { customerId: null, outcome: 'DUPLICATE', conflicts: [] });
  }

  private async resolveBatch(tx: Tx, units: WorkUnit[], effects: Effects): Promise<UnitResult[]> {
    if (units.length === 0) return [];
    const applied = await this.repository.findIngested(tx, [...new Set(units.map((u) => u.idempotencyKey))]);
    const firstOf = new Map<string, number>();
    const fresh = units.filter((unit, index) => {
      if (applied.has(unit.idempotencyKey) || firstOf.has(unit.idempotencyKey)) return false;
      firstOf.set(unit.idempotencyKey, index);
      return true;
    });

    const results = new Map<WorkUnit, UnitResult>();
    if (fresh.length > 0) {
      const { rules, version: ruleVersion } = this.options.rules();
      const stored = (await this.options.matchModel?.()) ?? null;
      const items = fresh.map((unit) => (stored ? withMatch(unit.item) : unit.item));
      const keys = [...new Set(items.flatMap(keysOf))];
      const locked = await this.lockedSnapshot(tx, keys);
      // Candidates by match key are scored first and only those worth it locked (after the owners): a merge on a
      // score changes them as much as one on a key.
      const matchKeys = [...new Set(items.flatMap((item) => item.match?.keys ?? []))];
      const found = stored ? await this.repository.findMatchCandidates(tx, matchKeys) : [];
      const matchRows = stored ? await this.repository.lockMatchCandidates(tx, worthLocking(items, found, stored.model)) : [];
      const snapshot = snapshotFrom(locked.owners, locked.shared, matchRows);
      // A decision names customers that existed when it was checked; one removed since (erasure, retention) is gone.
      const gone = items.flatMap((item) => item.decision?.customerIds.filter((id) => !snapshot.owners.has(profileKey(id))) ?? []);
      if (gone.length > 0) throw new NotFoundError(`no customer ${gone.join(', ')}`, { customerIds: gone });
      // The batch's time is read once its locks are held: a batch that touched the same customers has committed by
      // then, so batch times order conflicting batches as they were applied, which is the order evidence replays in.
      const now = this.clock().toISOString();
      const plan = planResolution(items, snapshot, rules, now, () => uuidv7(), stored && { model: stored.model });
      // Every statement from here on is sent without waiting for the one before (Neo4j runs them in order), so the
      // attachments are prepared while Neo4j applies the plan. Consent is read under the batch's locks, before and
      // after the writes, so the difference is this batch's alone.
      const watched = consentWatch(fresh, plan);
      const consentBefore = this.consents.current(tx, watched);
      const applied = this.repository.apply(tx, plan, ruleVersion, now, stored?.version ?? null);
      const { bucketMs, retentionMs } = this.options.behaviour;
      let attachments: Attachments;
      try {
        attachments = planAttachments(fresh, plan, this.options.sourcePriority, bucketMs, stored?.version ?? 0);
      } catch (error) {
        await Promise.allSettled([consentBefore, applied]);
        throw error;
      }
      // A bucket counts while any part of it is inside a window as long as the retention: keep it one bucket longer.
      const attached = this.repository.attach(tx, attachments, (key) => snapshot.owners.has(key), now, Date.parse(now) - retentionMs - bucketMs);
      const consentAfter = this.consents.current(tx, watched);
      await sentTogether([consentBefore, applied, attached, consentAfter]);
      effects.reviewsQueued((await applied).reviewsAdded);
      effects.customersChanged(changedCustomers(plan));
      effects.touched(touchesOfResolution(fresh, plan));
      effects.consentsChanged(consentChanges(await consentBefore, await consentAfter));
      fresh.forEach((unit, i) =>
        results.set(unit, {
          customerId: plan.finalCustomerOf(plan.items[i].customerId),
          outcome: plan.items[i].outcome,
          conflicts: plan.items[i].conflicts.map((c) => ({
            identifierType: c.identifier.type,
            reason: c.reason,
            limit: c.limit,
            otherCustomerId: c.otherCustomerId,
          })),
        }),
      );
    }
    // A repeat, earlier or within this batch, reports the customer its first copy resolved to.
    return units.map((unit): UnitResult => {
      const own = results.get(unit);
      if (own) return own;
      const customerId = applied.get(unit.idempotencyKey) ?? results.get(units[firstOf.get(unit.idempotencyKey)!])!.customerId;
      return { customerId, outcome: 'DUPLICATE', conflicts: [] };
    });
  }

  /**
   * Locks the owners of `keys` (reading their identifier counts under the lock); a key that changed hands between
   * the read and the lock sends it round again. Keys without an owner need no check: creating them (identifiers and
   * records alike are CREATEd) collides on the unique constraint if another batch got there first, and the
   * transaction is retried.
   */
  private async lockedSnapshot(tx: Tx, keys: string[]): Promise<{ owners: OwnerRow[]; shared: Set<string> }> {
    for (let round = 0; round < MAX_LOCK_ROUNDS; round++) {
      // Shared devices are read after the locks, in the same round trip. A device became shared under the lock of
      // the customer that held it, which a batch seeing it owned locks too: once that batch holds the lock, the
      // device has moved (lock again) and reads as shared.
      const locking = this.repository.lockOwners(tx, keys);
      const shared = this.repository.sharedDevices(tx, keys);
      await sentTogether([locking, shared]);
      const owners = await locking;
      if (owners.every((owner) => owner.moved.length === 0)) return { owners, shared: await shared };
    }
    throw new RetryableConflict(`Owners of ${keys.length} keys kept changing after ${MAX_LOCK_ROUNDS} lock rounds`);
  }
}
