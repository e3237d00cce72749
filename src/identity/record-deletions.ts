import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import type { Tx } from '../infra/neo4j/database';
import type { Effects } from '../writes/effects';
import type { ComponentReresolution } from './component-reresolution';
import { encodeEvidence } from './evidence';
import type { LoggedEvidence } from './evidence-replay';
import type { IdentityRepository } from './identity.repository';
import type { AppliedRules } from './rules/rule-book';
import type { UnitResult, WorkUnit } from './work-unit';

/**
 * Source records their source deleted: each one's customer is re-resolved from the evidence log without the
 * record's versions up to the deletion (evidence-replay.ts leaves them out), the deletion is logged so every later
 * replay does too, and a tombstone keeps versions up to it from being applied when they arrive late.
 */
export class RecordDeletions {
  private readonly q;

  constructor(
    registry: CypherRegistry,
    private readonly reresolution: ComponentReresolution,
    private readonly repository: IdentityRepository,
    /** The rules in force: the deletion's evidence records their version. */
    private readonly rules: () => AppliedRules,
  ) {
    this.q = registry.bind({ recordHolder: 'identity/record-holder', markDeleted: 'identity/mark-record-deleted', deletedRecords: 'identity/deleted-records' });
  }

  /**
   * Deletions, one after another, after the rest of their batch. A deletion of a record that describes no one is
   * only remembered, as is one older than the version applied (DUPLICATE: nothing changed).
   */
  async detach(tx: Tx, effects: Effects, units: WorkUnit[], now: string): Promise<UnitResult[]> {
    const applied = await this.repository.findIngested(tx, units.map((u) => u.idempotencyKey));
    const results: UnitResult[] = [];
    for (const unit of units) {
      const prior = applied.get(unit.idempotencyKey);
      if (prior !== undefined) {
        results.push({ customerId: prior, outcome: 'DUPLICATE', conflicts: [] });
        continue;
      }
      const { recordKey, occurredAt } = unit.item as { recordKey: string; occurredAt: string };
      const [row] = await tx.rows<{ customerId: string | null; updatedAtMs: number | null }>(this.q.recordHolder, { key: recordKey });
      const mark = () => tx.rows(this.q.markDeleted, { key: recordKey, upTo: occurredAt, now });
      if (!row.customerId || (row.updatedAtMs !== null && row.updatedAtMs > Date.parse(occurredAt))) {
        if (!row.customerId) await mark();
        results.push({ customerId: row.customerId, outcome: row.customerId ? 'DUPLICATE' : 'DETACHED', conflicts: [] });
        continue;
      }
      const holder = row.customerId;
      const placed: LoggedEvidence = { item: unit.item, device: null, consents: [], position: 0, receivedAt: now, landedOn: holder };
      const { outcome, replay } = await this.reresolution.reresolveIn(tx, effects, holder, [placed], now, unit.idempotencyKey);
      await mark();
      await this.repository.recordDecided(tx, { keptApart: [], conflicts: [], evidence: [{ key: unit.idempotencyKey, customerId: holder, evidence: encodeEvidence(placed), receivedAt: now }] }, this.rules().version, now, 'RECORD');
      const replayed = replay.profiles.get(holder);
      results.push({ customerId: replayed === undefined ? holder : (outcome.storedIdOf.get(replayed) ?? holder), outcome: 'DETACHED', conflicts: [] });
    }
    return results;
  }

  /** Record versions a deletion applied since covers: they are not applied (their results say DUPLICATE, no customer). */
  async coveredVersions(tx: Tx, units: WorkUnit[]): Promise<Set<WorkUnit>> {
    const keys = [...new Set(units.flatMap((u) => (u.item.recordKey && !u.item.recordDeleted ? [u.item.recordKey] : [])))];
    if (keys.length === 0) return new Set();
    const rows = await tx.rows<{ key: string; deletedUpToMs: number }>(this.q.deletedRecords, { keys });
    const upTo = new Map(rows.map((r) => [r.key, r.deletedUpToMs]));
    // A deletion in the same batch covers the versions up to it too, as it would a batch later.
    for (const u of units) {
      if (!u.item.recordDeleted || !u.item.recordKey) continue;
      upTo.set(u.item.recordKey, Math.max(upTo.get(u.item.recordKey) ?? -Infinity, Date.parse(u.item.occurredAt)));
    }
    if (upTo.size === 0) return new Set();
    return new Set(units.filter((u) => u.item.recordKey && !u.item.recordDeleted && Date.parse(u.item.occurredAt) <= (upTo.get(u.item.recordKey) ?? -Infinity)));
  }
}
