import { rankIn } from '../shared/rank';
import type { NormalizedIdentifier } from './identifier-normalizer';
import { profileKey, type IdentifierType } from '../kernel/identifier-type';
import { BUILT_IN_IDENTIFIER_TYPES } from '../kernel/identifier-types';
import type { IdentityRules } from './identity-rules';
import { combine, observe } from './golden-record';
import type { Candidates } from './profile-attributes';
import { bestScore, type MatchModel, type Score } from './matching/match-model';
import { keepMatchRecords } from './matching/match-keys';
import { keptApartBy, sideMark } from './keep-apart';
import type {
  CustomerSnapshot,
  PlannedConflict,
  PlannedLink,
  PlannedMerge,
  ResolutionItem,
  ResolutionPlan,
  Snapshot,
} from './resolution-plan';

type Counts = Partial<Record<IdentifierType, number>>;
type Customer = CustomerSnapshot & { candidatesChanged: boolean; apart: string[] };

/** Probabilistic matching as the planner applies it: the model in force. Null: deterministic only. */
export type PlannerMatching = { model: MatchModel } | null;

/** The keys an item resolves by: its identifiers, its source record, the profiles a decision names. */
export const keysOf = (item: ResolutionItem): string[] => [
  ...item.identifiers.map((i) => i.key),
  ...(item.recordKey ? [item.recordKey] : []),
  ...(item.decision ? item.decision.customerIds.map(profileKey) : []),
  ...(item.decision?.kind === 'RETIRE' ? [item.decision.identifier.key] : []),
];

const union = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])];

const add = (a: Counts, b: Counts): Counts => {
  const sum: Counts = { ...a };
  for (const [type, n] of Object.entries(b) as [IdentifierType, number][]) sum[type] = (sum[type] ?? 0) + n;
  return sum;
};

/**
 * Decides, in memory, what a batch does to the graph: items are resolved in order against the snapshot read
 * under lock, so the outcome equals resolving them one by one, and the writes can then go out as a few UNWINDs.
 */
export function planResolution(
  items: ResolutionItem[],
  snapshot: Snapshot,
  rules: IdentityRules,
  now: string,
  newId: () => string,
  matching: PlannerMatching = null,
): ResolutionPlan {
  const customers = new Map<string, Customer>(
    [...snapshot.customers.values()].map((c) => [c.id, { ...c, candidatesChanged: false, apart: [...(c.apart ?? [])] }]),
  );
  const owners = new Map(snapshot.owners);
  /** absorbed id -> the customer it was merged into; chains are followed by survivorOf. */
  const mergedInto = new Map<string, string>();
  const survivorOf = (id: string): string => {
    let current = id;
    while (mergedInto.has(current)) current = mergedInto.get(current)!;
    return current;
  };
  const priority = rankIn(rules.priority);
  const sharedDevices = new Set(snapshot.sharedDevices);
  const personTypes = rules.personTypes ?? BUILT_IN_IDENTIFIER_TYPES.personTypes;
  const known = (counts: Counts) => personTypes.some((type) => (counts[type] ?? 0) > 0);
  const older = (a: Customer, b: Customer) => (a.createdAt === b.createdAt ? a.id < b.id : a.createdAt < b.createdAt);
  /** A join breaks a limit when a type ends above its limit and above what either side held alone. */
  const breach = (left: Counts, right: Counts): IdentifierType | null => {
    const sum = add(left, right);
    for (const [type, n] of Object.entries(sum) as [IdentifierType, number][]) {
      if (n > rules.limits[type] && n > (left[type] ?? 0) && n > (right[type] ?? 0)) return type;
    }
    return null;
  };

  /** Match key -> customers holding it: the snapshot's, then this batch's items as they land. */
  const blocked = new Map<string, Set<string>>([...(snapshot.matchCandidates ?? new Map())].map(([key, ids]) => [key, new Set(ids)]));
  const plan: Omit<ResolutionPlan, 'finalCustomerOf' | 'profiles'> = {
    matchKeys: [],
    reviews: [],
    keptApart: [],
    items: [],
    newCustomers: [],
    links: [],
    touches: [],
    absorptions: [],
    merges: [],
    conflicts: [],
    sharedDevices: [],
    retired: [],
  };

  for (const item of items) {
    if (item.decision?.kind === 'RETIRE') {
      // Placed only where the identifier has a holder (see evidence-replay.ts): it holds it no more.
      const { identifier } = item.decision;
      const holderId = owners.get(identifier.key);
      if (holderId === undefined) throw new Error(`a retirement of ${identifier.type} reached the planner with no holder`);
      const holder = customers.get(survivorOf(holderId))!;
      owners.delete(identifier.key);
      holder.counts = add(holder.counts, { [identifier.type]: -1 });
      plan.retired.push({ key: identifier.key, type: identifier.type, customerId: holder.id });
      plan.items.push({ customerId: holder.id, profileId: holder.id, outcome: 'LINKED', conflicts: [], changedIdentity: true });
      continue;
    }
    if (item.decision?.kind === 'KEEP_APART') {
      const [a, b] = item.decision.customerIds.map((id) => {
        const owner = owners.get(profileKey(id));
        if (owner === undefined) throw new Error(`a decision names customer ${id}, which the snapshot does not hold`);
        return customers.get(survivorOf(owner))!;
      });
      if (a.id === b.id) {
        // Already one person: the decision is refused (its caller unmerges first), nothing is recorded.
        const refusal = { id: newId(), customerId: a.id, otherCustomerId: b.id, identifier: profileIdentifier(b.id), reason: 'KEPT_APART' as const, limit: 0, causeKind: item.causeKind, cause: item.cause };
        plan.items.push({ customerId: a.id, profileId: a.id, outcome: 'LINKED', conflicts: [refusal], changedIdentity: false });
        continue;
      }
      const { constraintId } = item.decision;
      a.apart.push(sideMark(constraintId, 0));
      b.apart.push(sideMark(constraintId, 1));
      plan.keptApart.push({ id: constraintId, customerId: a.id, otherCustomerId: b.id, causeKind: item.causeKind, cause: item.cause });
      // Shown where merge protection shows its refusals: one conflict, which both customers list.
      plan.conflicts.push({ id: newId(), customerId: a.id, otherCustomerId: b.id, identifier: profileIdentifier(b.id), reason: 'KEPT_APART', limit: 0, causeKind: item.causeKind, cause: item.cause });
      plan.items.push({ customerId: a.id, profileId: a.id, outcome: 'LINKED', conflicts: [], changedIdentity: true });
      continue;
    }
    const group: string[] = [];
    const via = new Map<string, { identifier: NormalizedIdentifier | null; recordKey: string | null; match: Score | null }>();
    let counts: Counts = {};
    /** Keep-apart sides of the customers the item has joined so far. */
    let marks: string[] = [...(item.apart ?? [])];
    const fresh: NormalizedIdentifier[] = [];
    /** Known identifiers this item resolved through; a refused one was not seen on this customer's behalf. */
    const seen: NormalizedIdentifier[] = [];
    const itemConflicts: Omit<PlannedConflict, 'customerId'>[] = [];

    const recordOwner = item.recordKey ? owners.get(item.recordKey) : undefined;
    if (recordOwner) {
      const owner = survivorOf(recordOwner);
      group.push(owner);
      counts = { ...customers.get(owner)!.counts };
      marks = union(marks, customers.get(owner)!.apart);
      via.set(owner, { identifier: null, recordKey: item.recordKey!, match: null });
    }

    // A steward's merge joins the customers it names as a shared identifier would: merge protection and earlier
    // keep-apart decisions still refuse it (and its caller then refuses the decision).
    if (item.decision?.kind === 'MERGE') {
      for (const id of item.decision.customerIds) {
        const ownerId = owners.get(profileKey(id));
        if (ownerId === undefined) throw new Error(`a decision names customer ${id}, which the snapshot does not hold`);
        const owner = survivorOf(ownerId);
        if (group.includes(owner)) continue;
        const holder = customers.get(owner)!;
        const apart = keptApartBy(marks, holder.apart);
        const broken = apart ? null : breach(counts, holder.counts);
        if (apart || broken) {
          const reason = apart ? ('KEPT_APART' as const) : ('MERGE_BLOCKED' as const);
          itemConflicts.push({ id: newId(), otherCustomerId: owner, identifier: profileIdentifier(id), reason, limit: broken ? rules.limits[broken] : 0, causeKind: item.causeKind, cause: item.cause });
          continue;
        }
        group.push(owner);
        counts = add(counts, holder.counts);
        marks = union(marks, holder.apart);
        via.set(owner, { identifier: null, recordKey: null, match: null });
      }
    }

    // While devices can be shared, a device is decided last: whether it is shared depends on who the item is.
    const rank = (type: string) => (rules.shareDevices && type === 'DEVICE_ID' ? Number.MAX_SAFE_INTEGER : priority(type));
    const identifiers = [...new Map(item.identifiers.map((i) => [i.key, i])).values()].sort((a, b) => rank(a.type) - rank(b.type));
    for (const identifier of identifiers) {
      const device = identifier.type === 'DEVICE_ID';
      // A shared device is usage only (its Device keeps who used it): it neither links nor merges.
      if (device && sharedDevices.has(identifier.key)) continue;
      const ownerId = owners.get(identifier.key);
      if (ownerId !== undefined) {
        const owner = survivorOf(ownerId);
        if (group.includes(owner)) {
          seen.push(identifier);
          continue;
        }
        const holder = customers.get(owner)!;
        if (device && rules.shareDevices && known(counts) && known(holder.counts)) {
          sharedDevices.add(identifier.key);
          owners.delete(identifier.key);
          holder.counts = add(holder.counts, { DEVICE_ID: -1 });
          plan.sharedDevices.push({ key: identifier.key, deviceId: identifier.value, customerId: owner, occurredAt: item.occurredAt });
          itemConflicts.push({
            id: newId(),
            otherCustomerId: owner,
            identifier,
            reason: 'SHARED_DEVICE',
            limit: 1,
            causeKind: item.causeKind,
            cause: item.cause,
          });
          continue;
        }
        if (keptApartBy(marks, holder.apart)) {
          itemConflicts.push({ id: newId(), otherCustomerId: owner, identifier, reason: 'KEPT_APART', limit: 0, causeKind: item.causeKind, cause: item.cause });
          continue;
        }
        const broken = breach(counts, holder.counts);
        if (broken) {
          itemConflicts.push({
            id: newId(),
            otherCustomerId: owner,
            identifier,
            reason: 'MERGE_BLOCKED',
            limit: rules.limits[broken],
            causeKind: item.causeKind,
            cause: item.cause,
          });
          continue;
        }
        group.push(owner);
        counts = add(counts, holder.counts);
        marks = union(marks, holder.apart);
        via.set(owner, { identifier, recordKey: null, match: null });
        seen.push(identifier);
      } else {
        if (breach(counts, { [identifier.type]: 1 })) {
          itemConflicts.push({
            id: newId(),
            otherCustomerId: null,
            identifier,
            reason: 'LIMIT_EXCEEDED',
            limit: rules.limits[identifier.type],
            causeKind: item.causeKind,
            cause: item.cause,
          });
          continue;
        }
        fresh.push(identifier);
        counts = add(counts, { [identifier.type]: 1 });
      }
    }

    // Probabilistic matching: customers sharing a match key with the item, best score first. Above the merge
    // threshold they join the item's customer unless merge protection refuses the join; between the thresholds a
    // steward decides.
    const matched: { customerId: string; score: Score }[] = [];
    const toReview: { customerId: string; score: Score }[] = [];
    if (matching && item.match) {
      const { model } = matching;
      const candidates = new Set<string>();
      for (const key of item.match.keys) for (const id of blocked.get(key) ?? []) candidates.add(survivorOf(id));
      // A customer this item was just refused (a merge-protection conflict, a device found shared) is another
      // person by the rules: a score may send the pair to review, never merge it.
      const refused = new Set(itemConflicts.flatMap((c) => (c.otherCustomerId ? [survivorOf(c.otherCustomerId)] : [])));
      // Customers a steward kept apart from those the item joined are never scored: no merge, no review.
      const scored = [...candidates]
        .filter((id) => !group.includes(id) && keptApartBy(marks, customers.get(id)!.apart) === null)
        .map((id) => ({ customerId: id, score: bestScore(model, item.match!.record, customers.get(id)!.matchRecords) }))
        .filter((c): c is { customerId: string; score: Score } => c.score !== null)
        .sort((a, b) => b.score.weight - a.score.weight || (a.customerId < b.customerId ? -1 : 1));
      for (const candidate of scored) {
        if (candidate.score.probability >= model.thresholds.merge) {
          const other = customers.get(candidate.customerId)!;
          // Merge protection wins over a score: the pair goes to a steward instead.
          if (refused.has(candidate.customerId) || breach(counts, other.counts)) {
            toReview.push(candidate);
            continue;
          }
          if (keptApartBy(marks, other.apart)) continue;
          matched.push(candidate);
          counts = add(counts, other.counts);
          marks = union(marks, other.apart);
        } else if (candidate.score.probability >= model.thresholds.review) {
          toReview.push(candidate);
        }
      }
    }

    let customer: Customer;
    let outcome: ResolutionPlan['items'][number]['outcome'];
    /** The profile created for an item that a score then merged: where its evidence belongs. */
    let own: Customer | undefined;
    if (matched.length > 0) {
      // A join on a score is always a merge, with the score as its cause: the item's profile (its own new one when
      // no identifier placed it) is merged with those it matched.
      if (group.length === 0) {
        own = { id: newId(), createdAt: now, counts: {}, candidates: {}, matchRecords: [], candidatesChanged: false, apart: [...(item.apart ?? [])] };
        customers.set(own.id, own);
        plan.newCustomers.push({ id: own.id, createdAt: now });
        group.push(own.id);
        via.set(own.id, { identifier: null, recordKey: null, match: matched[0].score });
      }
      for (const m of matched) {
        group.push(m.customerId);
        via.set(m.customerId, { identifier: null, recordKey: null, match: m.score });
      }
    }
    if (group.length === 0) {
      customer = { id: newId(), createdAt: now, counts: {}, candidates: {}, matchRecords: [], candidatesChanged: false, apart: [...(item.apart ?? [])] };
      customers.set(customer.id, customer);
      plan.newCustomers.push({ id: customer.id, createdAt: now });
      outcome = 'CREATED';
    } else if (group.length === 1) {
      customer = customers.get(group[0])!;
      outcome = 'LINKED';
    } else {
      const members = group.map((id) => customers.get(id)!);
      customer = members.reduce((best, c) => (older(c, best) ? c : best));
      const absorbed = members.filter((c) => c.id !== customer.id);
      const merge: PlannedMerge = {
        id: newId(),
        survivorId: customer.id,
        absorbed: absorbed.map((c) => ({
          customerId: c.id,
          via: via.get(c.id)?.identifier ?? null,
          viaRecordKey: via.get(c.id)?.recordKey ?? null,
          match: via.get(c.id)?.match ?? null,
        })),
        causeKind: item.causeKind,
        cause: item.cause,
      };
      plan.merges.push(merge);
      for (const other of absorbed) {
        mergedInto.set(other.id, customer.id);
        customer.counts = add(customer.counts, other.counts);
        customer.candidates = combine([customer.candidates, other.candidates]);
        customer.matchRecords = keepMatchRecords(customer.matchRecords, other.matchRecords);
        customer.apart = union(customer.apart, other.apart);
        customer.candidatesChanged = true;
      }
      outcome = 'MERGED';
    }

    if (item.apart) customer.apart = union(customer.apart, item.apart);
    for (const identifier of seen) plan.touches.push({ key: identifier.key, occurredAt: item.occurredAt });
    for (const identifier of fresh) {
      owners.set(identifier.key, customer.id);
      customer.counts = add(customer.counts, { [identifier.type]: 1 });
      const link: PlannedLink = {
        identifier,
        customerId: customer.id,
        causeKind: item.causeKind,
        cause: item.cause,
        source: item.source,
        occurredAt: item.occurredAt,
      };
      plan.links.push(link);
    }
    if (item.recordKey) owners.set(item.recordKey, customer.id);
    if (Object.keys(item.observations).length > 0) {
      customer.candidates = observe(customer.candidates, item.observations, item.source, item.occurredAt, item.cause);
      customer.candidatesChanged = true;
    }
    if (matching && item.match) {
      customer.matchRecords = keepMatchRecords(customer.matchRecords, [item.match.record]);
      customer.candidatesChanged = true;
      for (const key of item.match.keys) {
        const holders = blocked.get(key) ?? new Set<string>();
        // Known to hold it already (read with the candidates, or written earlier in this batch): not written again.
        if ([...holders].some((id) => survivorOf(id) === customer.id)) continue;
        blocked.set(key, holders.add(customer.id));
        plan.matchKeys.push({ key, customerId: customer.id });
      }
    }
    for (const review of toReview) {
      plan.reviews.push({ id: newId(), customerId: customer.id, candidateId: review.customerId, score: review.score, causeKind: item.causeKind, cause: item.cause });
    }
    const conflicts = itemConflicts.map((conflict) => ({ ...conflict, customerId: customer.id }));
    plan.conflicts.push(...conflicts);
    const newDeviceUse = identifiers.some((identifier) => identifier.type === 'DEVICE_ID' && !seen.includes(identifier));
    const changedIdentity = outcome !== 'LINKED' || fresh.length > 0 || conflicts.length > 0 || newDeviceUse;
    plan.items.push({ customerId: customer.id, profileId: own?.id ?? customer.id, outcome, conflicts, changedIdentity });
  }

  plan.absorptions = [...mergedInto.keys()].map((absorbedId) => ({ absorbedId, survivorId: survivorOf(absorbedId) }));
  const finalCustomerOf = survivorOf;
  for (const link of plan.links) link.customerId = finalCustomerOf(link.customerId);
  for (const shared of plan.sharedDevices) shared.customerId = finalCustomerOf(shared.customerId);
  for (const key of plan.matchKeys) key.customerId = finalCustomerOf(key.customerId);
  // Merged within the batch, two customers may have brought the survivor one key twice.
  plan.matchKeys = [...new Map(plan.matchKeys.map((k) => [`${k.key} ${k.customerId}`, k])).values()];
  for (const review of plan.reviews) {
    review.customerId = finalCustomerOf(review.customerId);
    review.candidateId = finalCustomerOf(review.candidateId);
  }
  // A pair a later item of the batch merged is no longer a question.
  plan.reviews = plan.reviews.filter((review) => review.customerId !== review.candidateId);
  for (const kept of plan.keptApart) {
    kept.customerId = finalCustomerOf(kept.customerId);
    kept.otherCustomerId = finalCustomerOf(kept.otherCustomerId);
  }
  for (const conflict of plan.conflicts) {
    conflict.customerId = finalCustomerOf(conflict.customerId);
    if (conflict.otherCustomerId) conflict.otherCustomerId = finalCustomerOf(conflict.otherCustomerId);
  }
  const profiles = [...customers.values()]
    .filter((c) => c.candidatesChanged && !mergedInto.has(c.id))
    .map((c) => ({ customerId: c.id, candidates: c.candidates as Candidates, matchRecords: c.matchRecords }));
  return { ...plan, finalCustomerOf, profiles };
}

/** A customer named by a decision, where a conflict names the identifier refused. */
const profileIdentifier = (customerId: string): NormalizedIdentifier => ({ type: 'PROFILE', value: customerId, key: profileKey(customerId) });
