import { v7 as uuidv7 } from 'uuid';
import { bringsFacts, encodeEvidence } from './evidence';
import { goldenRecord, goldenSources } from './golden-record';
import type { MatchRecord } from './matching/match-record';
import { PROFILE_ATTRIBUTES, type Candidates } from './profile-attributes';
import { encodeCandidates } from './stored-candidates';
import type { ResolutionPlan } from './resolution-plan';
import type { WorkUnit } from './work-unit';

/** The rows the plan hangs off the customers; identity.repository.ts writes them. */
export type SourceRecordWrite = {
  key: string;
  source: string;
  externalId: string;
  customerId: string;
  updatedAt: string;
  attributes: string;
};
export type DeviceWrite = {
  id: string;
  customerId: string;
  occurredAt: string;
  type: string | null;
  model: string | null;
  manufacturer: string | null;
  os: string | null;
};
export type ConsentWrite = {
  id: string;
  customerId: string;
  purpose: string;
  status: string;
  source: string;
  occurredAt: string;
  causeKind: string;
  cause: string;
};
/** `evidence`: what the item brought (see evidence.ts), null when it brought nothing new. */
export type IngestionWrite = { key: string; causeKind: string; customerId: string; outcome: string; evidence: string | null };

export type ProfileWrite = { customerId: string; golden: Record<string, string | null>; candidates: string; sources: string; matchRecords: string | null };

/** A customer's candidates as stored: the golden record flat, candidates and lineage as JSON. */
export function profileWrite(customerId: string, candidates: Candidates, matchRecords: readonly MatchRecord[], sourcePriority: string[]): ProfileWrite {
  const golden = goldenRecord(candidates, sourcePriority);
  return {
    customerId,
    golden: Object.fromEntries(PROFILE_ATTRIBUTES.map((a) => [a, golden.values[a] ?? null])),
    candidates: encodeCandidates(candidates),
    sources: JSON.stringify(goldenSources(golden.lineage)),
    matchRecords: matchRecords.length > 0 ? JSON.stringify(matchRecords) : null,
  };
}

export type Attachments = {
  sourceRecords: SourceRecordWrite[];
  devices: DeviceWrite[];
  consents: ConsentWrite[];
  profiles: ProfileWrite[];
  ingestions: IngestionWrite[];
  activities: ActivityWrite[];
};

/** One row per customer and TRACK name (null: any event, for lastSeen), the batch's events summed per bucket. */
export type ActivityWrite = { customerId: string; event: string | null; lastAt: number; buckets: { bucket: number; count: number }[] };

/**
 * What hangs off the customers once the plan is applied, as write rows. Everything goes to the item's final
 * customer: a later item of the same batch may have merged the one it resolved to at the time.
 */
export function planAttachments(units: WorkUnit[], plan: ResolutionPlan, sourcePriority: string[], bucketMs: number, modelVersion = 0): Attachments {
  const customerOf = (i: number) => plan.finalCustomerOf(plan.items[i].customerId);
  return {
    sourceRecords: newestVersions(
      units.flatMap((unit, i) =>
        unit.sourceRecord ? [{ ...unit.sourceRecord, customerId: customerOf(i), updatedAt: unit.item.occurredAt }] : [],
      ),
    ),
    devices: units.flatMap((unit, i) =>
      unit.device ? [{ ...unit.device, customerId: customerOf(i), occurredAt: unit.item.occurredAt }] : [],
    ),
    consents: units.flatMap((unit, i) =>
      unit.consents.map((consent) => ({
        ...consent,
        id: uuidv7(),
        customerId: customerOf(i),
        source: unit.item.source,
        causeKind: unit.item.causeKind,
        cause: unit.item.cause,
      })),
    ),
    profiles: plan.profiles.map(({ customerId, candidates, matchRecords }) => profileWrite(customerId, candidates, matchRecords, sourcePriority)),
    ingestions: units.map((unit, i) => ({
      key: unit.idempotencyKey,
      causeKind: unit.item.causeKind,
      // Where the item first landed, not where the batch left it: a replay maps that profile to the customer its
      // items make, which is how a decision naming it (an unmerge) finds it.
      customerId: plan.items[i].profileId,
      outcome: plan.items[i].outcome,
      evidence: bringsFacts(unit, plan.items[i].changedIdentity)
        ? encodeEvidence({ item: unit.item, device: unit.device, consents: unit.consents, position: i, modelVersion })
        : null,
    })),
    activities: activities(units, customerOf, bucketMs),
  };
}

function activities(units: WorkUnit[], customerOf: (i: number) => string, bucketMs: number): ActivityWrite[] {
  const rows = new Map<string, ActivityWrite>();
  units.forEach((unit, i) => {
    if (!unit.activity) return;
    const at = Date.parse(unit.activity.at);
    const customerId = customerOf(i);
    const key = `${customerId}\n${unit.activity.event ?? ''}`;
    const row = rows.get(key) ?? { customerId, event: unit.activity.event, lastAt: at, buckets: [] };
    row.lastAt = Math.max(row.lastAt, at);
    if (row.event !== null) {
      const bucket = at - (at % bucketMs);
      const slot = row.buckets.find((b) => b.bucket === bucket);
      if (slot) slot.count++;
      else row.buckets.push({ bucket, count: 1 });
    }
    rows.set(key, row);
  });
  return [...rows.values()];
}

/** One write per record: a batch may carry several versions of it; the newest wins, the last on a tie. */
function newestVersions<R extends { key: string; updatedAt: string }>(records: R[]): R[] {
  const newest = new Map<string, R>();
  for (const record of records) {
    const current = newest.get(record.key);
    if (!current || record.updatedAt >= current.updatedAt) newest.set(record.key, record);
  }
  return [...newest.values()];
}
