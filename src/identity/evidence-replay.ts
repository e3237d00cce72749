import { PROFILE_KEY_PREFIX, profileKey, type IdentifierType } from '../kernel/identifier-type';
import type { Evidence } from './evidence';
import { goldenRecord } from './golden-record';
import type { IdentityRules } from './identity-rules';
import type { Candidates, GoldenRecord } from './profile-attributes';
import { planResolution, type PlannerMatching } from './resolution-planner';
import { withMatch } from './matching/match-keys';
import { sideMark } from './keep-apart';
import type { MatchRecord } from './matching/match-record';
import type { CustomerSnapshot, PlannedConflict, PlannedLink, PlannedMerge, ResolutionPlan } from './resolution-plan';

/**
 * Evidence as logged: with the time of the batch that applied it and the customer it landed on then; `stored`, for
 * what was read from the log, names its Ingestion and the customer it belongs to now.
 */
export type LoggedEvidence = Evidence & { receivedAt: string; landedOn: string; stored?: { key: string; customerId: string } };

export type ReplayedCustomer = {
  /** An id of the replay's own; `landedOn` says which stored profiles its items first landed on. */
  id: string;
  createdAt: string;
  /** Identifier and record keys it holds. */
  keys: string[];
  candidates: Candidates;
  golden: GoldenRecord;
  landedOn: string[];
  matchRecords: MatchRecord[];
  /** Keep-apart sides it holds. */
  apart: string[];
};

export type Replay = {
  customers: ReplayedCustomer[];
  /** Every refusal, with the time of the batch that made it. */
  conflicts: (PlannedConflict & { at: string })[];
  merges: number;
  /** Profiles joined, by what joined them (`IDENTIFIER:EMAIL`, PROBABILISTIC, SOURCE_RECORD, DECISION, OFFLINE). */
  joinsByCause: Record<string, number>;
  /** Stored profile id -> the replayed customer it stands for (that of its first items). */
  profiles: Map<string, string>;
  /** Each entry replayed (decisions left out when their profiles are unknown) with the customer it ended on. */
  items: { entry: LoggedEvidence; customerId: string }[];
  /** Identifier key -> the link that first gave it to a customer. */
  links: Map<string, PlannedLink>;
  /** Match key -> replayed customers holding it. */
  matchKeys: Map<string, string[]>;
  /** DEVICE_ID keys of devices found shared. */
  sharedDevices: Set<string>;
  /** Entries left out as never applied: versions of records their source deleted (and the deletions). */
  withdrawn: LoggedEvidence[];
};

type State = {
  owners: Map<string, string>;
  customers: Map<string, CustomerSnapshot>;
  sharedDevices: Set<string>;
  matchCandidates: Map<string, string[]>;
  landedOn: Map<string, Set<string>>;
  /** Absorbed replayed customer -> the one it was merged into. */
  mergedInto: Map<string, string>;
  links: Map<string, PlannedLink>;
};

const bump = (customer: CustomerSnapshot, type: IdentifierType, by: number) => {
  customer.counts = { ...customer.counts, [type]: (customer.counts[type] ?? 0) + by };
};

/**
 * Resolves logged evidence again, in memory, batch by batch in the order it was applied (batch time, then place in
 * the batch) through the same planner ingestion uses: under the rules in force it rebuilds the customers as stored;
 * under other rules it shows what they would have made of the same items.
 */
export function replayEvidence(
  entries: LoggedEvidence[],
  rules: IdentityRules,
  sourcePriority: string[],
  newId: () => string,
  /** The matching a batch resolved with the given model version (0: none; undefined: logged before versions were). */
  matchingFor: (modelVersion: number | undefined) => PlannerMatching = () => null,
): Replay {
  const kept = withoutDeletedRecords(entries);
  const withdrawn = entries.filter((e) => !kept.includes(e));
  const ordered = kept.sort((a, b) => (a.receivedAt === b.receivedAt ? a.position - b.position : a.receivedAt < b.receivedAt ? -1 : 1));
  const state: State = {
    owners: new Map(),
    customers: new Map(),
    sharedDevices: new Set(),
    matchCandidates: new Map(),
    landedOn: new Map(),
    mergedInto: new Map(),
    links: new Map(),
  };
  /** Sides of keep-apart decisions that named a profile before it existed: the items that landed on it take them. */
  const pendingSides = new Map<string, string[]>();
  const conflicts: Replay['conflicts'] = [];
  const items: { entry: LoggedEvidence; customerId: string }[] = [];
  let merges = 0;
  const joinsByCause: Record<string, number> = {};
  for (let start = 0; start < ordered.length; ) {
    let end = start;
    while (end < ordered.length && ordered[end].receivedAt === ordered[start].receivedAt) end++;
    const batch = ordered.slice(start, end).filter((e) => placeable(state, e, pendingSides));
    if (batch.length === 0) {
      start = end;
      continue;
    }
    const matching = matchingFor(batch.find((e) => e.modelVersion !== undefined)?.modelVersion);
    const plan = planResolution(
      batch.map((e) => {
        const item = matching ? withMatch(e.item) : e.item;
        const apart = pendingSides.get(e.landedOn);
        return apart ? { ...item, apart } : item;
      }),
      { owners: state.owners, customers: state.customers, sharedDevices: state.sharedDevices, matchCandidates: state.matchCandidates },
      rules,
      batch[0].receivedAt,
      newId,
      matching,
    );
    applyPlan(state, plan, batch);
    conflicts.push(...plan.conflicts.map((c) => ({ ...c, at: batch[0].receivedAt })));
    batch.forEach((entry, i) => items.push({ entry, customerId: plan.finalCustomerOf(plan.items[i].customerId) }));
    merges += plan.merges.length;
    for (const merge of plan.merges) for (const absorbed of merge.absorbed) joinsByCause[joinCause(merge, absorbed)] = (joinsByCause[joinCause(merge, absorbed)] ?? 0) + 1;
    start = end;
  }
  const keysOf = new Map<string, string[]>();
  for (const [key, owner] of state.owners) if (!key.startsWith(PROFILE_KEY_PREFIX)) keysOf.set(owner, [...(keysOf.get(owner) ?? []), key]);
  const customers = [...state.customers.values()].map((c) => ({
    id: c.id,
    createdAt: c.createdAt,
    keys: (keysOf.get(c.id) ?? []).sort(),
    candidates: c.candidates,
    golden: goldenRecord(c.candidates, sourcePriority),
    landedOn: [...(state.landedOn.get(c.id) ?? [])].sort(),
    matchRecords: c.matchRecords,
    apart: [...(c.apart ?? [])].sort(),
  }));
  const finalOf = (id: string) => {
    let current = id;
    while (state.mergedInto.has(current)) current = state.mergedInto.get(current)!;
    return current;
  };
  const profiles = new Map(
    [...state.owners].filter(([key]) => key.startsWith(PROFILE_KEY_PREFIX)).map(([key, owner]) => [key.slice(PROFILE_KEY_PREFIX.length), owner]),
  );
  return {
    customers,
    conflicts: conflicts.map((c) => ({ ...c, customerId: finalOf(c.customerId), otherCustomerId: c.otherCustomerId && finalOf(c.otherCustomerId) })),
    merges,
    joinsByCause,
    profiles,
    items: items.map((item) => ({ ...item, customerId: finalOf(item.customerId) })),
    links: state.links,
    matchKeys: new Map([...state.matchCandidates].map(([key, holders]) => [key, [...holders]])),
    sharedDevices: state.sharedDevices,
    withdrawn,
  };
}

/**
 * The entries as if the versions of a record its source deleted had never been applied: a deleted record's
 * attributes, its identifiers and the merges it made count no more; a later version of it counts again.
 */
function withoutDeletedRecords(entries: LoggedEvidence[]): LoggedEvidence[] {
  const deletedUpTo = new Map<string, string>();
  for (const { item } of entries) {
    if (item.recordDeleted && item.recordKey && item.occurredAt > (deletedUpTo.get(item.recordKey) ?? '')) deletedUpTo.set(item.recordKey, item.occurredAt);
  }
  if (deletedUpTo.size === 0) return [...entries];
  return entries.filter(({ item }) => !item.recordDeleted && !(item.recordKey && item.occurredAt <= (deletedUpTo.get(item.recordKey) ?? '')));
}

/** What tied an absorbed customer to the survivor, as merge history names it. */
export function joinCause(merge: PlannedMerge, absorbed: PlannedMerge['absorbed'][number]): string {
  if (absorbed.match) return 'PROBABILISTIC';
  if (absorbed.viaRecordKey) return 'SOURCE_RECORD';
  if (merge.causeKind === 'DECISION' || merge.causeKind === 'OFFLINE') return merge.causeKind;
  return absorbed.via ? `IDENTIFIER:${absorbed.via.type}` : 'IDENTIFIER';
}

/**
 * Whether an entry goes to the planner. A keep-apart decision naming a profile that does not exist yet (an unmerge
 * of a merge made in the batch that created the profile, as a match on a score is) is applied here: the sides of
 * existing profiles are marked, the others wait for the items of their profile. Any other decision naming a
 * profile no logged item landed on (its evidence removed, or older than the log) is left out, as its profile is.
 */
function placeable(state: State, entry: LoggedEvidence, pendingSides: Map<string, string[]>): boolean {
  const decision = entry.item.decision;
  // A retirement applies to whoever holds the identifier then; held by no one, it changes nothing.
  if (decision?.kind === 'RETIRE') return state.owners.has(decision.identifier.key);
  if (!decision || decision.customerIds.every((id) => state.owners.has(profileKey(id)))) return true;
  if (decision.kind === 'KEEP_APART') {
    decision.customerIds.forEach((id, side) => {
      const mark = sideMark(decision.constraintId, side as 0 | 1);
      const owner = state.owners.get(profileKey(id));
      if (owner === undefined) pendingSides.set(id, [...(pendingSides.get(id) ?? []), mark]);
      else {
        const customer = state.customers.get(owner)!;
        customer.apart = [...(customer.apart ?? []), mark];
      }
    });
  }
  return false;
}

/** What writing the plan does to the graph, done to the in-memory state. */
function applyPlan(state: State, plan: ResolutionPlan, batch: LoggedEvidence[]) {
  const { owners, customers, sharedDevices, matchCandidates, landedOn, mergedInto, links } = state;
  for (const created of plan.newCustomers) customers.set(created.id, { id: created.id, createdAt: created.createdAt, counts: {}, candidates: {}, matchRecords: [], apart: [] });
  for (const { absorbedId, survivorId } of plan.absorptions) {
    const absorbed = customers.get(absorbedId)!;
    const survivor = customers.get(survivorId)!;
    for (const [type, n] of Object.entries(absorbed.counts)) bump(survivor, type, n ?? 0);
    survivor.apart = [...new Set([...(survivor.apart ?? []), ...(absorbed.apart ?? [])])];
    for (const [key, owner] of owners) if (owner === absorbedId) owners.set(key, survivorId);
    for (const [key, holders] of matchCandidates) {
      if (holders.includes(absorbedId)) matchCandidates.set(key, [...new Set(holders.map((id) => (id === absorbedId ? survivorId : id)))]);
    }
    landedOn.set(survivorId, new Set([...(landedOn.get(survivorId) ?? []), ...(landedOn.get(absorbedId) ?? [])]));
    landedOn.delete(absorbedId);
    customers.delete(absorbedId);
    mergedInto.set(absorbedId, survivorId);
  }
  for (const link of plan.links) {
    if (!links.has(link.identifier.key)) links.set(link.identifier.key, link);
    owners.set(link.identifier.key, link.customerId);
    bump(customers.get(link.customerId)!, link.identifier.type, 1);
  }
  for (const kept of plan.keptApart) {
    const [a, b] = [customers.get(kept.customerId)!, customers.get(kept.otherCustomerId)!];
    a.apart = [...(a.apart ?? []), sideMark(kept.id, 0)];
    b.apart = [...(b.apart ?? []), sideMark(kept.id, 1)];
  }
  for (const retired of plan.retired) {
    owners.delete(retired.key);
    bump(customers.get(retired.customerId)!, retired.type, -1);
  }
  for (const shared of plan.sharedDevices) {
    owners.delete(shared.key);
    sharedDevices.add(shared.key);
    bump(customers.get(shared.customerId)!, 'DEVICE_ID', -1);
  }
  batch.forEach((entry, i) => {
    // A retirement is no item of a profile: it lands on whoever held the identifier.
    if (entry.item.decision?.kind === 'RETIRE') return;
    const customerId = plan.finalCustomerOf(plan.items[i].customerId);
    if (entry.item.recordKey) owners.set(entry.item.recordKey, customerId);
    // The stored profile stands for the customer its first items made, as decisions naming it meant.
    if (!owners.has(profileKey(entry.landedOn))) owners.set(profileKey(entry.landedOn), customerId);
    landedOn.set(customerId, (landedOn.get(customerId) ?? new Set()).add(entry.landedOn));
  });
  for (const { key, customerId } of plan.matchKeys) {
    const holders = matchCandidates.get(key) ?? [];
    if (!holders.includes(customerId)) matchCandidates.set(key, [...holders, customerId]);
  }
  for (const profile of plan.profiles) {
    const customer = customers.get(profile.customerId)!;
    customer.candidates = profile.candidates;
    customer.matchRecords = profile.matchRecords;
  }
}
