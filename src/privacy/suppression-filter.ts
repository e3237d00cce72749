import type { DroppedIdentifier, IdentifierNormalizer } from '../identity/identifier-normalizer';
import { payloadRegion } from '../identity/item-region';
import { identifierKey, legacyRecordKey, recordKey, type IdentifierType } from '../kernel/identifier-type';
import type { WorkUnit } from '../identity/work-unit';
import type { Tx } from '../infra/neo4j/database';
import { jsonStrings } from '../shared/json-tree';
import type { SuppressionHasher } from './suppression-hasher';
import type { SuppressionRepository } from './suppression.repository';

export type Screened = { unit: WorkUnit; suppressed: boolean };
export type Screening = { units: Screened[]; rejectedSuppressed: boolean[] };

const ID_TYPES: IdentifierType[] = ['USER_ID', 'CRM_ID', 'ANONYMOUS_ID', 'DEVICE_ID'];


/**
 * A record's key as suppressions stored before record keys were escaped hashed it; null where it is the same as
 * today's. Matched only against those old suppressions: against a newer one it could be another record's key.
 */
const legacyKeyOf = (source: string, externalId: string) => {
  const legacy = legacyRecordKey(source, externalId);
  return legacy === recordKey(source, externalId) ? null : legacy;
};

type Candidates = { keys: string[]; legacyRecordKeys: string[] };

/**
 * Keeps erased people out, at the one place every event, record and resubmitted dead letter passes.
 * Identifiers whose key hash is suppressed are dropped (reason SUPPRESSED), and so are golden email/phone values
 * equal to them and a device whose id is one; an item left with no identifier, or a source record whose own key was
 * erased, is suppressed whole. A rejected item that mentions an erased identifier anywhere is suppressed too
 * instead of becoming a dead letter: a dead letter would keep the person's data again.
 */
export class SuppressionFilter {
  constructor(
    private readonly hasher: SuppressionHasher,
    private readonly repository: SuppressionRepository,
    private readonly normalizer: IdentifierNormalizer,
  ) {}

  /** One lookup for the whole batch. */
  async screen(tx: Tx, units: WorkUnit[], rejected: unknown[] = []): Promise<Screening> {
    const hashOf = new Map<string, string>();
    const hash = (key: string) => {
      let h = hashOf.get(key);
      if (h === undefined) hashOf.set(key, (h = this.hasher.hash(key)));
      return h;
    };
    const legacyOf = (unit: WorkUnit) => (unit.sourceRecord ? legacyKeyOf(unit.sourceRecord.source, unit.sourceRecord.externalId) : null);
    for (const unit of units) {
      for (const i of unit.item.identifiers) hash(i.key);
      if (unit.item.recordKey) hash(unit.item.recordKey);
      const legacy = legacyOf(unit);
      if (legacy) hash(legacy);
    }
    const rejectedKeys = rejected.map((raw) => this.candidateKeys(raw));
    rejectedKeys.forEach(({ keys, legacyRecordKeys }) => [...keys, ...legacyRecordKeys].forEach(hash));
    const suppressed = await this.repository.suppressedAmong(tx, [...new Set(hashOf.values())]);
    const isSuppressed = (key: string) => suppressed.has(hash(key));
    const isLegacySuppressed = (key: string) => suppressed.get(hash(key))?.legacy === true;
    const recordSuppressed = (unit: WorkUnit) => {
      const legacy = legacyOf(unit);
      return (unit.item.recordKey !== undefined && isSuppressed(unit.item.recordKey)) || (legacy !== null && isLegacySuppressed(legacy));
    };
    return {
      units: units.map((unit) => (suppressed.size === 0 ? { unit, suppressed: false } : this.screenUnit(unit, isSuppressed, recordSuppressed))),
      rejectedSuppressed: rejectedKeys.map(
        ({ keys, legacyRecordKeys }) => suppressed.size > 0 && (keys.some(isSuppressed) || legacyRecordKeys.some(isLegacySuppressed)),
      ),
    };
  }

  private screenUnit(unit: WorkUnit, isSuppressed: (key: string) => boolean, recordSuppressed: (unit: WorkUnit) => boolean): Screened {
    if (recordSuppressed(unit)) return { unit, suppressed: true };
    const gone = unit.item.identifiers.filter((i) => isSuppressed(i.key));
    if (gone.length === 0) return { unit, suppressed: false };
    const kept = unit.item.identifiers.filter((i) => !isSuppressed(i.key));
    const dropped: DroppedIdentifier[] = [...unit.dropped, ...gone.map((i) => ({ type: i.type, reason: 'SUPPRESSED' as const }))];
    if (kept.length === 0) return { unit: { ...unit, dropped }, suppressed: true };
    const goneValues = new Set(gone.map((i) => i.value));
    const observations = Object.fromEntries(
      Object.entries(unit.item.observations).filter(
        ([attribute, value]) => !((attribute === 'email' || attribute === 'phone') && goneValues.has(value as string)),
      ),
    );
    const device = unit.device && gone.some((i) => i.type === 'DEVICE_ID' && i.value === unit.device!.id) ? null : unit.device;
    return { unit: { ...unit, dropped, device, item: { ...unit.item, identifiers: kept, observations } }, suppressed: false };
  }

  /** A rejected payload's shape is unknown: every string in it is tried as each kind of identifier. */
  private candidateKeys(raw: unknown): Candidates {
    const keys: string[] = [];
    const legacyRecordKeys: string[] = [];
    const region = payloadRegion(raw);
    for (const text of jsonStrings(raw).map((s) => s.trim()).filter((s) => s.length > 0 && s.length <= 512)) {
      for (const type of ID_TYPES) keys.push(identifierKey(type, text));
      for (const type of this.normalizer.types.configured) {
        const id = this.normalizer.normalize(type.name, text);
        if (id.ok) keys.push(id.identifier.key);
      }
      if (text.includes('@')) {
        const email = this.normalizer.normalize('EMAIL', text);
        if (email.ok) keys.push(email.identifier.key);
      }
      if (/\d{4}/.test(text)) {
        const phone = this.normalizer.normalize('PHONE', text, region);
        if (phone.ok) keys.push(phone.identifier.key);
      }
    }
    const record = raw as { source?: unknown; externalId?: unknown };
    if (typeof record?.source === 'string' && typeof record.externalId === 'string') {
      const [source, externalId] = [record.source.trim().toLowerCase(), record.externalId.trim()];
      keys.push(recordKey(source, externalId));
      const legacy = legacyKeyOf(source, externalId);
      if (legacy) legacyRecordKeys.push(legacy);
    }
    return { keys, legacyRecordKeys };
  }
}
