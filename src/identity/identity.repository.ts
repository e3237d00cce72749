import { createHash } from 'node:crypto';
import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import { RetryableConflict, type Tx } from '../infra/neo4j/database';
import { sentTogether } from '../infra/neo4j/sent-together';
import { identifierKey, PROFILE_KEY_PREFIX, RECORD_KEY_PREFIX, type IdentifierType } from '../kernel/identifier-type';
import { decodeCandidates } from './stored-candidates';
import { sideMark } from './keep-apart';
import type { Attachments } from './plan-attachments';
import type { CustomerSnapshot, ResolutionPlan, Snapshot } from './resolution-plan';
import type { MatchRecord } from './matching/match-record';

export type OwnerRow = {
  customerId: string;
  createdAtMs: number;
  candidates: string | null;
  matchRecords: string | null;
  counts: { type: IdentifierType; n: number }[];
  /** Keep-apart sides it holds (CustomerSnapshot.apart). */
  apart: string[];
  keys: string[];
  /** Keys of this owner that another batch moved before the lock was taken: the snapshot is stale, lock again. */
  moved: string[];
};

/** A customer holding some of the batch's match keys, locked, with the keys it holds among the batch's. */
export type MatchCandidateRow = Omit<OwnerRow, 'moved'>;
/** The same, as read before locking, to score: find-match-candidates.cypher. */
export type FoundCandidate = { customerId: string; matchRecords: string | null; keys: string[] };

/** Match keys more customers than this hold are too common to compare every item with them all. */
export const MAX_MATCH_BLOCK = 200;

/** The write side of identity resolution: one UNWIND statement per kind of change in a batch. */
export class IdentityRepository {
  private readonly q;

  constructor(registry: CypherRegistry) {
    this.q = registry.bind({
      findIngested: 'identity/find-ingested',
      lockOwners: 'identity/lock-owners',
      findSharedDevices: 'identity/find-shared-devices',
      shareDevices: 'identity/share-devices',
      findSharedLinks: 'identity/find-shared-links',
      createCustomers: 'identity/create-customers',
      absorbCustomers: 'identity/absorb-customers',
      linkIdentifiers: 'identity/link-identifiers',
      touchIdentifiers: 'identity/touch-identifiers',
      recordMerges: 'identity/record-merges',
      recordConflicts: 'identity/record-conflicts',
      createSourceRecords: 'identity/create-source-records',
      updateSourceRecords: 'identity/update-source-records',
      attachDevices: 'identity/attach-devices',
      recordActivity: 'identity/record-activity',
      recordConsents: 'identity/record-consents',
      recordIngestions: 'identity/record-ingestions',
      updateProfiles: 'identity/update-profiles',
      findMatchCandidates: 'identity/find-match-candidates',
      lockMatchCandidates: 'identity/lock-match-candidates',
      recordMatchKeys: 'identity/record-match-keys',
      recordMatchReviews: 'identity/record-match-reviews',
      recordKeepApart: 'identity/record-keep-apart',
      recordPlacedEvidence: 'identity/record-placed-evidence',
      recordConflictsOnce: 'identity/record-conflicts-once',
    });
  }

  /** Idempotency keys applied before -> the customer each resolved to (its survivor today). */
  async findIngested(tx: Tx, keys: string[]): Promise<Map<string, string>> {
    if (keys.length === 0) return new Map();
    const rows = await tx.rows<{ key: string; customerId: string }>(this.q.findIngested, { keys });
    return new Map(rows.map((row) => [row.key, row.customerId]));
  }

  /** Owners of the keys, write-locked, with the keys that moved before the lock was taken; see lock-owners.cypher. */
  async lockOwners(tx: Tx, keys: string[]): Promise<OwnerRow[]> {
    if (keys.length === 0) return [];
    return tx.rows<OwnerRow>(this.q.lockOwners, splitKeys(keys));
  }

  /** The active customers holding the match keys, unlocked: what to score. */
  async findMatchCandidates(tx: Tx, keys: string[]): Promise<FoundCandidate[]> {
    if (keys.length === 0) return [];
    return tx.rows<FoundCandidate>(this.q.findMatchCandidates, { keys, maxBlock: MAX_MATCH_BLOCK });
  }

  /** The found candidates worth locking, write-locked and read again; `keys` as found. */
  async lockMatchCandidates(tx: Tx, found: FoundCandidate[]): Promise<MatchCandidateRow[]> {
    if (found.length === 0) return [];
    const keysOf = new Map(found.map((f) => [f.customerId, f.keys]));
    const rows = await tx.rows<Omit<MatchCandidateRow, 'keys'>>(this.q.lockMatchCandidates, { ids: [...keysOf.keys()] });
    return rows.map((row) => ({ ...row, keys: keysOf.get(row.customerId)! }));
  }

  /** The DEVICE_ID keys among `keys` whose device is shared. */
  async sharedDevices(tx: Tx, keys: string[]): Promise<Set<string>> {
    const ids = keys.filter((key) => key.startsWith(DEVICE_KEY_PREFIX)).map((key) => key.slice(DEVICE_KEY_PREFIX.length));
    if (ids.length === 0) return new Set();
    const rows = await tx.rows<{ id: string }>(this.q.findSharedDevices, { ids });
    return new Set(rows.map((row) => identifierKey('DEVICE_ID', row.id)));
  }

  /**
   * Sends the plan's statements without waiting for each answer: Neo4j runs them in the order sent, and the client
   * waits once, for all, when the returned promise settles (so it can prepare the attachments meanwhile).
   */
  apply(tx: Tx, plan: ResolutionPlan, ruleVersion: number, now: string, modelVersion: number | null = null): Promise<{ reviewsAdded: string[] }> {
    const sent: Promise<unknown>[] = [];
    const reviewsAdded: string[] = [];
    const run = (query: string, name: string, rows: unknown[]) => {
      if (rows.length > 0) sent.push(tx.rows(query, { [name]: rows, now, ruleVersion }));
    };
    run(this.q.createCustomers, 'customers', plan.newCustomers);
    run(this.q.absorbCustomers, 'absorptions', plan.absorptions);
    run(
      this.q.linkIdentifiers,
      'links',
      plan.links.map((link) => ({
        key: link.identifier.key,
        type: link.identifier.type,
        value: link.identifier.value,
        customerId: link.customerId,
        causeKind: link.causeKind,
        cause: link.cause,
        source: link.source,
        occurredAt: link.occurredAt,
      })),
    );
    const linkedDevices = plan.links.filter((link) => link.identifier.type === 'DEVICE_ID').map((link) => link.identifier.value);
    if (linkedDevices.length > 0) {
      sent.push(
        tx.rows<{ shared: number }>(this.q.findSharedLinks, { ids: linkedDevices }).then(([{ shared }]) => {
          if (shared > 0) throw new RetryableConflict('a device this batch linked was shared by another batch meanwhile');
        }),
      );
    }
    run(this.q.touchIdentifiers, 'touches', seenRanges(plan.touches));
    // After the links: a device linked earlier in this batch can be found shared by a later item.
    run(this.q.shareDevices, 'shared', plan.sharedDevices);
    run(
      this.q.recordMerges,
      'merges',
      plan.merges.map((merge) => ({
        id: merge.id,
        survivorId: merge.survivorId,
        causeKind: merge.causeKind,
        cause: merge.cause,
        absorbed: merge.absorbed.map((a) => ({
          customerId: a.customerId,
          viaType: a.via?.type ?? null,
          viaValue: a.via?.value ?? null,
          viaRecordKey: a.viaRecordKey,
          matchProbability: a.match?.probability ?? null,
          matchWeight: a.match?.weight ?? null,
          matchContributions: a.match ? JSON.stringify(a.match.contributions) : null,
          modelVersion: a.match ? modelVersion : null,
        })),
      })),
    );
    run(this.q.recordConflicts, 'conflicts', plan.conflicts.map(conflictRow));
    run(this.q.recordKeepApart, 'keptApart', plan.keptApart.map(keepApartRow));
    run(this.q.recordMatchKeys, 'matchKeys', plan.matchKeys);
    if (plan.reviews.length > 0) {
      sent.push(
        tx
          .rows<{ id: string }>(this.q.recordMatchReviews, { now, reviews: plan.reviews.map(reviewRow(modelVersion)) })
          .then((rows) => reviewsAdded.push(...rows.map((r) => r.id))),
      );
    }
    return sentTogether(sent).then(() => ({ reviewsAdded }));
  }

  /** Keep-apart constraints and refusals decided outside a batch (a re-resolution), written as a batch writes them. */
  async recordDecided(
    tx: Tx,
    decided: { keptApart: ResolutionPlan['keptApart']; conflicts: ResolutionPlan['conflicts']; evidence: { key: string; customerId: string; evidence: string; receivedAt: string }[] },
    ruleVersion: number,
    now: string,
    causeKind: 'DECISION' | 'RECORD' = 'DECISION',
  ): Promise<void> {
    const params = { now, ruleVersion };
    if (decided.keptApart.length > 0) await tx.rows(this.q.recordKeepApart, { ...params, keptApart: decided.keptApart.map(keepApartRow) });
    // Refusals a replay found again are recorded once: those already stored are not counted twice.
    if (decided.conflicts.length > 0) await tx.rows(this.q.recordConflictsOnce, { ...params, conflicts: decided.conflicts.map(conflictRow) });
    if (decided.evidence.length > 0) {
      await tx.rows(this.q.recordPlacedEvidence, {
        ingestions: decided.evidence.map((e) => ({ ...e, causeKind, outcome: causeKind === 'RECORD' ? 'DETACHED' : 'LINKED' })),
      });
    }
  }

  /**
   * Writes what hangs off the customers, sent like `apply`'s statements (after them, when called after it);
   * `existing` tells which record keys had a record when read under lock.
   */
  attach(tx: Tx, rows: Attachments, existing: (recordKey: string) => boolean, now: string, keepBehaviourFrom: number): Promise<void> {
    const sent: Promise<unknown>[] = [];
    const run = (query: string, name: string, list: unknown[]) => {
      if (list.length > 0) sent.push(tx.rows(query, { [name]: list, now, keepFrom: keepBehaviourFrom }));
    };
    run(this.q.createSourceRecords, 'records', rows.sourceRecords.filter((r) => !existing(r.key)));
    const updated = rows.sourceRecords.filter((r) => existing(r.key));
    if (updated.length > 0) {
      sent.push(
        tx.rows<{ matched: number }>(this.q.updateSourceRecords, { records: updated, now }).then(([{ matched }]) => {
          if (matched !== updated.length) throw new RetryableConflict('a source record moved while its batch held the lock');
        }),
      );
    }
    run(this.q.attachDevices, 'devices', rows.devices);
    run(this.q.recordConsents, 'consents', rows.consents);
    run(this.q.updateProfiles, 'profiles', rows.profiles);
    run(this.q.recordIngestions, 'ingestions', rows.ingestions);
    run(this.q.recordActivity, 'activities', rows.activities);
    return sentTogether(sent);
  }
}


/**
 * The same refusal again (same customers, identifier and reason) is one Conflict; hashed, as it holds a value. The
 * identifier key is the only part of free text (the others are ids and a reason), so joining cannot make two one.
 */
const conflictKey = (c: ResolutionPlan['conflicts'][number]) =>
  createHash('sha256')
    .update([c.customerId, c.identifier.key, c.otherCustomerId ?? '', c.reason].join('\n'))
    .digest('hex');

const keepApartRow = (k: ResolutionPlan['keptApart'][number]) => ({ ...k, mark: sideMark(k.id, 0), otherMark: sideMark(k.id, 1) });

const reviewRow = (modelVersion: number | null) => (r: ResolutionPlan['reviews'][number]) => ({
  id: r.id,
  pair: [r.customerId, r.candidateId].sort().join(' '),
  customerId: r.customerId,
  candidateId: r.candidateId,
  probability: r.score.probability,
  weight: r.score.weight,
  contributions: JSON.stringify(r.score.contributions),
  modelVersion,
  causeKind: r.causeKind,
  cause: r.cause,
});

const conflictRow = (conflict: ResolutionPlan['conflicts'][number]) => ({
  key: conflictKey(conflict),
  id: conflict.id,
  customerId: conflict.customerId,
  otherCustomerId: conflict.otherCustomerId,
  reason: conflict.reason,
  identifierType: conflict.identifier.type,
  identifierValue: conflict.identifier.value,
  limit: conflict.limit,
  causeKind: conflict.causeKind,
  cause: conflict.cause,
});

const DEVICE_KEY_PREFIX = identifierKey('DEVICE_ID', '');

/** Identifier and record keys live in different indexes, profiles are customers: each is looked up where it can be. */
const splitKeys = (keys: string[]) => ({
  identifierKeys: keys.filter((key) => !key.startsWith(RECORD_KEY_PREFIX) && !key.startsWith(PROFILE_KEY_PREFIX)),
  recordKeys: keys.filter((key) => key.startsWith(RECORD_KEY_PREFIX)),
  profileIds: keys.filter((key) => key.startsWith(PROFILE_KEY_PREFIX)).map((key) => key.slice(PROFILE_KEY_PREFIX.length)),
  profilePrefix: PROFILE_KEY_PREFIX,
});

/** One row per identifier with the earliest and latest time it was seen in the batch. */
function seenRanges(touches: { key: string; occurredAt: string }[]) {
  const ranges = new Map<string, { key: string; firstSeen: string; lastSeen: string }>();
  for (const { key, occurredAt } of touches) {
    const range = ranges.get(key);
    if (!range) ranges.set(key, { key, firstSeen: occurredAt, lastSeen: occurredAt });
    else {
      if (occurredAt < range.firstSeen) range.firstSeen = occurredAt;
      if (occurredAt > range.lastSeen) range.lastSeen = occurredAt;
    }
  }
  return [...ranges.values()];
}

export function snapshotFrom(rows: OwnerRow[], sharedDevices: ReadonlySet<string> = new Set(), matchRows: MatchCandidateRow[] = []): Snapshot {
  const owners = new Map<string, string>();
  const customers = new Map<string, CustomerSnapshot>();
  const matchCandidates = new Map<string, string[]>();
  const customerOf = (row: MatchCandidateRow): CustomerSnapshot => ({
    id: row.customerId,
    createdAt: new Date(row.createdAtMs).toISOString(),
    counts: Object.fromEntries(row.counts.map((c) => [c.type, c.n])),
    candidates: decodeCandidates(row.candidates),
    matchRecords: row.matchRecords ? (JSON.parse(row.matchRecords) as MatchRecord[]) : [],
    apart: row.apart ?? [],
  });
  for (const row of rows) {
    for (const key of row.keys) owners.set(key, row.customerId);
    customers.set(row.customerId, customerOf(row));
  }
  for (const row of matchRows) {
    if (!customers.has(row.customerId)) customers.set(row.customerId, customerOf(row));
    for (const key of row.keys) matchCandidates.set(key, [...(matchCandidates.get(key) ?? []), row.customerId]);
  }
  return { owners, customers, sharedDevices, matchCandidates };
}
