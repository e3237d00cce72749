import { identifierKey, type IdentifierType } from '../kernel/identifier-type';
import type { CauseKind } from '../kernel/cause-kind';
import type { NormalizedIdentifier } from './identifier-normalizer';
import type { Observations } from './profile-attributes';
import type { ResolutionItem, StewardDecision } from './resolution-plan';
import type { ConsentStatement, WorkUnit } from './work-unit';

/**
 * What an applied item brought, normalised as resolution saw it: enough to resolve it again, under today's rules or
 * others, without the raw payload. Kept on the item's Ingestion (its idempotency record), which is tied to the
 * customer the item first landed on and which erasure and retention already remove with the person.
 */
export type Evidence = {
  item: ResolutionItem;
  device: WorkUnit['device'];
  consents: ConsentStatement[];
  /** The item's place in its batch: items of one batch were resolved in this order, at the batch's time. */
  position: number;
  /**
   * The match model its batch was resolved with (0: none): a replay scores with that one, so a model trained later
   * does not change what a rebuild makes of it. Absent in evidence logged before it was kept.
   */
  modelVersion?: number;
};

/** As stored: short keys, identifiers as [type, value] pairs, empty parts left out (it is written for most events). */
type Stored = {
  kind: CauseKind;
  cause: string;
  source: string;
  at: string;
  n: number;
  ids?: [IdentifierType, string][];
  record?: string;
  obs?: Observations;
  device?: NonNullable<WorkUnit['device']>;
  consents?: ConsentStatement[];
  decision?: StewardDecision;
  /** The source deleted the record. */
  deleted?: true;
  mv?: number;
};

export function encodeEvidence({ item, device, consents, position, modelVersion }: Evidence): string {
  const stored: Stored = { kind: item.causeKind, cause: item.cause, source: item.source, at: item.occurredAt, n: position };
  if (item.identifiers.length > 0) stored.ids = item.identifiers.map((i) => [i.type, i.value]);
  if (item.recordKey) stored.record = item.recordKey;
  if (Object.keys(item.observations).length > 0) stored.obs = item.observations;
  if (device) stored.device = device;
  if (consents.length > 0) stored.consents = consents;
  if (item.decision) stored.decision = item.decision;
  if (item.recordDeleted) stored.deleted = true;
  if (modelVersion !== undefined) stored.mv = modelVersion;
  return JSON.stringify(stored);
}

export function decodeEvidence(json: string): Evidence {
  const stored = JSON.parse(json) as Stored;
  const identifiers = (stored.ids ?? []).map(([type, value]): NormalizedIdentifier => ({ type, value, key: identifierKey(type, value) }));
  return {
    item: {
      causeKind: stored.kind,
      cause: stored.cause,
      source: stored.source,
      occurredAt: stored.at,
      identifiers,
      ...(stored.record ? { recordKey: stored.record } : {}),
      observations: stored.obs ?? {},
      ...(stored.decision ? { decision: stored.decision } : {}),
      ...(stored.deleted ? { recordDeleted: true as const } : {}),
    },
    device: stored.device ?? null,
    consents: stored.consents ?? [],
    position: stored.n,
    ...(stored.mv !== undefined ? { modelVersion: stored.mv } : {}),
  };
}

/**
 * Whether an applied item leaves evidence: it changed who is who (see PlannedItem.changedIdentity), brought
 * attribute facts, consent or a source record, or tied two identifiers together. The last changes nothing while
 * both are one customer's, but it is what would join them again were that customer split (an unmerge, other
 * rules): without it a replay would not be exact. A page view on a known cookie brings nothing and leaves nothing.
 */
export const bringsFacts = (unit: WorkUnit, changedIdentity: boolean) =>
  changedIdentity ||
  Object.keys(unit.item.observations).length > 0 ||
  unit.consents.length > 0 ||
  unit.sourceRecord !== null ||
  new Set(unit.item.identifiers.map((i) => i.key)).size > 1;

/**
 * The evidence without an erased person's identifiers, nor attributes holding their values: what stays of someone
 * else's item that claimed one of them.
 */
export function withoutIdentifiers(evidence: Evidence, erased: { key: string; value: string }[]): Evidence {
  const keys = new Set(erased.map((e) => e.key));
  const values = new Set(erased.map((e) => e.value));
  const observations = Object.fromEntries(Object.entries(evidence.item.observations).filter(([, value]) => !values.has(value!.trim().toLowerCase()) && !values.has(value!)));
  return {
    ...evidence,
    item: { ...evidence.item, identifiers: evidence.item.identifiers.filter((i) => !keys.has(i.key)), observations },
    device: evidence.device && keys.has(identifierKey('DEVICE_ID', evidence.device.id)) ? null : evidence.device,
  };
}
