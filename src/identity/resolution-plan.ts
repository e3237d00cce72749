import type { NormalizedIdentifier } from './identifier-normalizer';
import type { IdentifierType } from '../kernel/identifier-type';
import type { Candidates, Observations } from './profile-attributes';
import type { MatchRecord } from './matching/match-record';
import type { Score } from './matching/match-model';

import type { CauseKind } from '../kernel/cause-kind';
import type { ConflictReason } from '../kernel/conflict-reason';

export type { CauseKind };
export type ResolvedOutcome = 'CREATED' | 'LINKED' | 'MERGED';

/** One accepted event or source record, normalised and ready to resolve. */
export type ResolutionItem = {
  causeKind: CauseKind;
  /** messageId of an event, key of a source record: what links, merges and conflicts point back to. */
  cause: string;
  source: string;
  occurredAt: string;
  identifiers: NormalizedIdentifier[];
  /** Source records resolve to the customer they described before, whatever their identifiers say now. */
  recordKey?: string;
  /** The source deleted the record (`recordKey`): its versions up to this one (`occurredAt`) count no more. */
  recordDeleted?: true;
  observations: Observations;
  /** Set when the item names a person and probabilistic matching is on: what it is compared by, and its keys. */
  match?: { record: MatchRecord; keys: string[] };
  /** Set on a steward's decision (causeKind DECISION), which carries no identifiers of its own. */
  decision?: StewardDecision;
  /**
   * Keep-apart sides the item's person is on: set by a replay on the items of a profile that a decision named
   * before the profile existed (an unmerge of a merge made in the batch that created it).
   */
  apart?: string[];
};

/**
 * What a steward decided about customers named by id (any profile id: it stands for the active customer the
 * profile is part of when the decision applies). MERGE joins them as one person, as a shared identifier would;
 * KEEP_APART makes them two people for good: no identifier, record, score or later decision joins them again.
 * RETIRE takes an identifier from whoever holds it then (a recycled phone number, a reassigned address): it
 * resolves to no one until an item brings it again. It names no customer.
 */
export type StewardDecision =
  | { kind: 'MERGE'; customerIds: string[] }
  | { kind: 'KEEP_APART'; constraintId: string; customerIds: [string, string] }
  | { kind: 'RETIRE'; identifier: NormalizedIdentifier; customerIds: [] };

/** What the graph holds for the customers a batch touches, read under their write locks. */
export type CustomerSnapshot = {
  id: string;
  createdAt: string;
  counts: Partial<Record<IdentifierType, number>>;
  candidates: Candidates;
  /** The match records of items that landed on it (newest last), which a new item is compared with. */
  matchRecords: MatchRecord[];
  /**
   * Sides of the keep-apart constraints it is part of, as `<constraint id>:<0|1>`: it never joins a customer on the
   * other side of one of them.
   */
  apart?: readonly string[];
};

export type Snapshot = {
  /** Identifier key or record key -> id of the active customer it belongs to. */
  owners: Map<string, string>;
  customers: Map<string, CustomerSnapshot>;
  /** DEVICE_ID keys of shared devices: usage only, they link no one. */
  sharedDevices: ReadonlySet<string>;
  /** Match key -> active customers holding it (read under lock); empty when matching is off. */
  matchCandidates?: ReadonlyMap<string, readonly string[]>;
};

export type PlannedConflict = {
  id: string;
  customerId: string;
  /** The customer the refused identifier already belongs to, if any. */
  otherCustomerId: string | null;
  identifier: NormalizedIdentifier;
  reason: ConflictReason;
  /** The limit that refused it; for SHARED_DEVICE 1, the known people a device may link. */
  limit: number;
  causeKind: CauseKind;
  cause: string;
};

export type PlannedLink = {
  identifier: NormalizedIdentifier;
  customerId: string;
  causeKind: CauseKind;
  cause: string;
  source: string;
  occurredAt: string;
};

export type PlannedMerge = {
  id: string;
  survivorId: string;
  /** `match`: set when the customer joined on a match score rather than a shared identifier or record. */
  absorbed: { customerId: string; via: NormalizedIdentifier | null; viaRecordKey: string | null; match: Score | null }[];
  causeKind: CauseKind;
  cause: string;
};

export type PlannedProfile = { customerId: string; candidates: Candidates; matchRecords: MatchRecord[] };

/** A pair scored between the review and merge thresholds: a steward decides. */
export type PlannedReview = { id: string; customerId: string; candidateId: string; score: Score; causeKind: CauseKind; cause: string };

export type PlannedItem = {
  customerId: string;
  /**
   * The profile the item first landed on, which its evidence is tied to: the one it created (even when the item
   * then merged it away, as a match on a score does), else the customer it resolved to.
   */
  profileId: string;
  outcome: ResolvedOutcome;
  conflicts: PlannedConflict[];
  /**
   * The item changed who is who: it created or merged a customer, linked a new identifier, was refused one (a
   * conflict, a device found shared), or used a device not yet linked to its customer. Otherwise it only saw again
   * what its customer already held.
   */
  changedIdentity: boolean;
};

export type ResolutionPlan = {
  items: PlannedItem[];
  /** The customer each item's data ends up on after the whole batch (later items may merge it away). */
  finalCustomerOf(customerId: string): string;
  newCustomers: { id: string; createdAt: string }[];
  links: PlannedLink[];
  /** Existing identifiers seen again, to move their lastSeen. */
  touches: { key: string; occurredAt: string }[];
  /** Every customer absorbed in this batch, pointed at its final survivor. */
  absorptions: { absorbedId: string; survivorId: string }[];
  merges: PlannedMerge[];
  conflicts: PlannedConflict[];
  /** Devices this batch found shared: their identifier is unlinked from its owner (the customer here). */
  sharedDevices: { key: string; deviceId: string; customerId: string; occurredAt: string }[];
  /** Active customers whose candidates changed, with their new candidates. */
  profiles: PlannedProfile[];
  /** Match keys of the items that named a person, on the customer each ended on. */
  matchKeys: { key: string; customerId: string }[];
  reviews: PlannedReview[];
  /** Keep-apart constraints decided in this batch: `customerId` takes side 0, `otherCustomerId` side 1. */
  keptApart: { id: string; customerId: string; otherCustomerId: string; causeKind: CauseKind; cause: string }[];
  /** Identifiers retired in this batch from the customer holding them (only a replay carries such decisions). */
  retired: { key: string; type: IdentifierType; customerId: string }[];
};
