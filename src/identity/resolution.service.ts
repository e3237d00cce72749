import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { RetryableConflict, type Tx } from '../infra/neo4j/database';
import { goldenRecord } from './golden-record';
import { IdentityRepository, snapshotFrom } from './identity.repository';
import type { IdentityRules } from './identity-rules';
import { PROFILE_ATTRIBUTES } from './profile-attributes';
import { planResolution } from './resolution-planner';
import type { Snapshot } from './resolution-plan';
import type { UnitResult, WorkUnit } from './work-unit';

/** One write per record: a batch may carry several versions of it; the newest wins, the last on a tie. */
function newestVersions<R extends { key: string; updatedAt: string }>(records: R[]): R[] {
  const newest = new Map<string, R>();
  for (const record of records) {
    const current = newest.get(record.key);
    if (!current || record.updatedAt >= current.updatedAt) newest.set(record.key, record);
  }
  return [...newest.values()];
}

/** Lock rounds before giving up and retrying the transaction: owners keep moving only under heavy contention. */
const MAX_LOCK_ROUNDS = 5;

export type ResolutionOptions = { rules: IdentityRules; ruleVersion: number; sourcePriority: string[] };

/**
 * Incremental identity resolution for one batch inside one transaction: skip what was already applied,
 * lock the customers the batch's keys point to, plan in memory, write the plan with a few UNWIND statements.
 */
export class ResolutionService {
  constructor(
    private readonly repository: IdentityRepository,
    private readonly options: ResolutionOptions,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  get ruleVersion() {
    return this.options.ruleVersion;
  }

  static async ruleVersionFor(repository: IdentityRepository, tx: Tx, rules: IdentityRules): Promise<number> {
    const canonical = JSON.stringify({ limits: rules.limits, priority: rules.priority });
    const hash = createHash('sha256').update(canonical).digest('hex');
    return repository.ensureRuleSet(tx, hash, canonical);
  }

  async resolveIn(tx: Tx, units: WorkUnit[]): Promise<UnitResult[]> {
    const now = this.clock().toISOString();
    const results: (UnitResult | undefined)[] = new Array(units.length);

    const applied = await this.repository.findIngested(tx, [...new Set(units.map((u) => u.messageId))]);
    const seen = new Set<string>();
    const fresh: { unit: WorkUnit; index: number }[] = [];
    units.forEach((unit, index) => {
      const earlier = applied.get(unit.messageId);
      if (earlier !== undefined) results[index] = { customerId: earlier, outcome: 'DUPLICATE', conflicts: [] };
      else if (seen.has(unit.messageId)) results[index] = { customerId: '', outcome: 'DUPLICATE', conflicts: [] };
      else {
        seen.add(unit.messageId);
        fresh.push({ unit, index });
      }
    });
    if (fresh.length === 0) return results as UnitResult[];

    const items = fresh.map(({ unit }) => unit.item);
    const keys = [...new Set(items.flatMap((item) => [...item.identifiers.map((i) => i.key), ...(item.recordKey ? [item.recordKey] : [])]))];
    const snapshot = await this.lockedSnapshot(tx, keys, now);
    const plan = planResolution(items, snapshot, this.options.rules, now, () => uuidv7());

    await this.repository.apply(tx, plan, this.options.ruleVersion, now);
    const customerOf = (i: number) => plan.finalCustomerOf(plan.items[i].customerId);
    await this.repository.writeSourceRecords(
      tx,
      newestVersions(
        fresh.flatMap(({ unit }, i) =>
          unit.sourceRecord ? [{ ...unit.sourceRecord, customerId: customerOf(i), updatedAt: unit.item.occurredAt }] : [],
        ),
      ),
      (key) => snapshot.owners.has(key),
      now,
    );
    await this.repository.attachDevices(
      tx,
      fresh.flatMap(({ unit }, i) =>
        unit.device ? [{ ...unit.device, customerId: customerOf(i), occurredAt: unit.item.occurredAt }] : [],
      ),
      now,
    );
    await this.repository.recordConsents(
      tx,
      fresh.flatMap(({ unit }, i) =>
        unit.consents.map((consent) => ({
          ...consent,
          id: uuidv7(),
          customerId: customerOf(i),
          source: unit.item.source,
          causeKind: unit.item.causeKind,
          cause: unit.item.cause,
        })),
      ),
      now,
    );
    await this.repository.updateProfiles(
      tx,
      plan.profiles.map(({ customerId, candidates }) => {
        const golden = goldenRecord(candidates, this.options.sourcePriority);
        return {
          customerId,
          golden: Object.fromEntries(PROFILE_ATTRIBUTES.map((a) => [a, golden.values[a] ?? null])),
          candidates: JSON.stringify(candidates),
          lineage: JSON.stringify(golden.lineage),
        };
      }),
      now,
    );
    await this.repository.recordIngestions(
      tx,
      fresh.map(({ unit }, i) => ({
        messageId: unit.messageId,
        causeKind: unit.item.causeKind,
        customerId: plan.items[i].customerId,
        outcome: plan.items[i].outcome,
      })),
      now,
    );

    fresh.forEach(({ index }, i) => {
      const planned = plan.items[i];
      results[index] = {
        customerId: planned.customerId,
        outcome: planned.outcome,
        conflicts: planned.conflicts.map((c) => ({
          identifierType: c.identifier.type,
          reason: c.reason,
          limit: c.limit,
          otherCustomerId: c.otherCustomerId,
        })),
      };
    });
    // A message repeated inside the batch reports the customer its first copy resolved to.
    units.forEach((unit, index) => {
      if (results[index]?.outcome === 'DUPLICATE' && results[index]!.customerId === '') {
        const first = fresh.findIndex((f) => f.unit.messageId === unit.messageId);
        results[index]!.customerId = customerOf(first);
      }
    });
    return results as UnitResult[];
  }

  /**
   * Locks the owners of `keys` (reading their identifier counts under the lock), then checks that no key changed
   * hands between the read and the lock; if one did, locks again. Keys without an owner need no check: creating
   * them collides on the unique constraint if another batch got there first, and the transaction is retried.
   */
  private async lockedSnapshot(tx: Tx, keys: string[], now: string): Promise<Snapshot> {
    for (let round = 0; round < MAX_LOCK_ROUNDS; round++) {
      const snapshot = snapshotFrom(await this.repository.lockOwners(tx, keys, now));
      const owned = [...snapshot.owners.keys()];
      const current = await this.repository.ownersOf(tx, owned);
      if (owned.every((key) => current.get(key) === snapshot.owners.get(key))) return snapshot;
    }
    throw new RetryableConflict(`Owners of ${keys.length} keys kept changing after ${MAX_LOCK_ROUNDS} lock rounds`);
  }
}
