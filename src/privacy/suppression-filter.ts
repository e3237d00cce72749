import type { DroppedIdentifier } from '../identity/identifier-normalizer';
import type { WorkUnit } from '../identity/work-unit';
import type { Tx } from '../infra/neo4j/database';
import type { SuppressionHasher } from './suppression-hasher';
import type { SuppressionRepository } from './suppression.repository';

export type Screened = { unit: WorkUnit; suppressed: false } | { unit: WorkUnit; suppressed: true };

/**
 * Keeps erased people out: identifiers whose key hash is suppressed are dropped (reason SUPPRESSED), and so are
 * golden email/phone values equal to them and a device whose id is one; an item left with no identifier, or a
 * source record whose own key was erased, is suppressed whole. Nothing of a suppressed item is stored, not even
 * as a dead letter, since that would keep the person's data again.
 */
export class SuppressionFilter {
  constructor(
    private readonly hasher: SuppressionHasher,
    private readonly repository: SuppressionRepository,
  ) {}

  /** One lookup for the whole batch. */
  async screen(tx: Tx, units: WorkUnit[]): Promise<Screened[]> {
    const hashOf = new Map<string, string>();
    for (const unit of units) {
      for (const key of [...unit.item.identifiers.map((i) => i.key), ...(unit.item.recordKey ? [unit.item.recordKey] : [])]) {
        if (!hashOf.has(key)) hashOf.set(key, this.hasher.hash(key));
      }
    }
    const suppressed = await this.repository.suppressedAmong(tx, [...new Set(hashOf.values())]);
    if (suppressed.size === 0) return units.map((unit) => ({ unit, suppressed: false }));
    const isSuppressed = (key: string) => suppressed.has(hashOf.get(key)!);
    return units.map((unit) => {
      if (unit.item.recordKey && isSuppressed(unit.item.recordKey)) return { unit, suppressed: true };
      const gone = unit.item.identifiers.filter((i) => isSuppressed(i.key));
      if (gone.length === 0) return { unit, suppressed: false };
      const kept = unit.item.identifiers.filter((i) => !isSuppressed(i.key));
      const dropped: DroppedIdentifier[] = [...unit.dropped, ...gone.map((i) => ({ type: i.type, reason: 'SUPPRESSED' as const }))];
      if (kept.length === 0) return { unit: { ...unit, dropped }, suppressed: true };
      const goneValues = new Set(gone.map((i) => i.value));
      const observations = Object.fromEntries(
        Object.entries(unit.item.observations).filter(([attribute, value]) => !((attribute === 'email' || attribute === 'phone') && goneValues.has(value as string))),
      );
      const device = unit.device && gone.some((i) => i.type === 'DEVICE_ID' && i.value === unit.device!.id) ? null : unit.device;
      return { unit: { ...unit, dropped, device, item: { ...unit.item, identifiers: kept, observations } }, suppressed: false };
    });
  }
}
