import { v7 as uuidv7 } from 'uuid';
import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import type { Tx } from '../infra/neo4j/database';
import { sentTogether } from '../infra/neo4j/sent-together';
import type { Replay } from './evidence-replay';
import { identifierKey } from '../kernel/identifier-type';
import { profileWrite } from './plan-attachments';

const DEVICE_KEY_PREFIX = identifierKey('DEVICE_ID', '');

type Holdings = {
  profiles: { id: string; createdAt: number; mergedInto: string | null }[];
  keys: { key: string; customerId: string }[];
  deviceUses: { deviceId: string; profileId: string }[];
  consents: { consentId: string; cause: string; givenFor: string | null; profileId: string }[];
  merges: { id: string; survivorId: string; absorbedIds: string[] }[];
};

/** What a rewrite did, in stored ids: who is active now, and who each profile became part of. */
export type RewriteOutcome = {
  /** Replayed customer id -> the stored customer that now holds what it holds. */
  storedIdOf: Map<string, string>;
  /** Stored customers of the component active after the rewrite (new ones included). */
  active: string[];
  /** Profiles active before and merged now, and merged before and active now. */
  merged: { customerId: string; mergedInto: string }[];
  reactivated: string[];
  created: string[];
  /** Recorded merges whose profiles are not one customer any more: marked undone by `undoneBy`. */
  undone: string[];
};

/**
 * Writes a re-resolved component: sets its stored profiles to what a replay of their evidence made of them (active,
 * or merged into the customer each is part of now), and moves what hangs off them to follow: identifiers and
 * source records, device use, consent statements, match keys, the golden record. Each replayed customer is stored
 * on the oldest profile it stands for (so the survivor of a merge stays the survivor); one standing for none is new.
 * Run under the locks of every profile of the component.
 */
export class ComponentRewrite {
  private readonly q;

  constructor(registry: CypherRegistry) {
    this.q = registry.bind({
      holdings: 'identity/component-holdings',
      createCustomers: 'identity/create-customers',
      profiles: 'identity/rewrite-profiles',
      moveKeys: 'identity/move-identifiers',
      unlink: 'identity/unlink-identifiers',
      relink: 'identity/relink-identifiers',
      deviceUses: 'identity/rewrite-device-uses',
      unshareDevices: 'identity/unshare-devices',
      repoint: 'identity/repoint-ingestions',
      undoMerges: 'identity/undo-merges',
      recordMerges: 'identity/record-merges',
      moveConsents: 'identity/move-consents',
      dropConsents: 'identity/drop-consents',
      updateProfiles: 'identity/update-profiles',
      matchKeys: 'identity/rewrite-match-keys',
    });
  }

  async write(
    tx: Tx,
    profiles: string[],
    replay: Replay,
    options: { sourcePriority: string[]; ruleVersion: number; now: string; matching: boolean; undoneBy: string },
  ): Promise<RewriteOutcome> {
    const [holdings] = await tx.rows<Holdings>(this.q.holdings, { ids: profiles });
    const createdAt = new Map(holdings.profiles.map((p) => [p.id, p.createdAt]));
    const wasActive = new Set(holdings.profiles.filter((p) => p.mergedInto === null).map((p) => p.id));

    // Each replayed customer on the oldest profile it stands for.
    const standsFor = new Map<string, string[]>();
    for (const [profile, replayed] of replay.profiles) if (createdAt.has(profile)) standsFor.set(replayed, [...(standsFor.get(replayed) ?? []), profile]);
    const storedIdOf = new Map<string, string>();
    const created: { id: string; createdAt: string }[] = [];
    for (const customer of replay.customers) {
      const own = (standsFor.get(customer.id) ?? []).sort((a, b) => createdAt.get(a)! - createdAt.get(b)! || (a < b ? -1 : 1));
      if (own.length > 0) storedIdOf.set(customer.id, own[0]);
      else {
        const id = uuidv7();
        storedIdOf.set(customer.id, id);
        created.push({ id, createdAt: customer.createdAt });
      }
    }
    const stored = (replayed: string) => storedIdOf.get(replayed)!;
    const mergedInto = new Map(holdings.profiles.map((p) => [p.id, p.mergedInto]));
    // A profile no logged item landed on (created and absorbed in one batch) follows the profile it was merged into.
    const customerOfProfile = (profile: string): string | null => {
      const replayed = replay.profiles.get(profile);
      if (replayed !== undefined) return stored(replayed);
      const into = mergedInto.get(profile);
      return into ? customerOfProfile(into) : null;
    };

    const rows = holdings.profiles.flatMap((p) => {
      const target = customerOfProfile(p.id);
      if (target === null) return [];
      const replayed = replay.customers.find((c) => stored(c.id) === target)!;
      return [{ id: p.id, mergedInto: target === p.id ? null : target, apart: target === p.id ? replayed.apart : [] }];
    });

    // Keys: moved where the replay gives them to another customer, linked where none held them, unlinked where none does now.
    const heldBy = new Map(holdings.keys.map((k) => [k.key, k.customerId]));
    const wanted = new Map(replay.customers.flatMap((c) => c.keys.map((key) => [key, stored(c.id)] as const)));
    const moves = [...wanted].filter(([key, owner]) => heldBy.has(key) && heldBy.get(key) !== owner).map(([key, customerId]) => ({ key, customerId }));
    const relinks = [...wanted]
      .filter(([key]) => !heldBy.has(key) && replay.links.has(key))
      .map(([key, customerId]) => {
        const link = replay.links.get(key)!;
        return { key, customerId, type: link.identifier.type, value: link.identifier.value, occurredAt: link.occurredAt, source: link.source, causeKind: link.causeKind, cause: link.cause };
      });
    const unlinked = [...heldBy.keys()].filter((key) => !wanted.has(key));
    const nowShared = [...replay.sharedDevices].filter((key) => heldBy.has(key)).map((key) => key.slice(DEVICE_KEY_PREFIX.length));

    const now = (profile: string) => customerOfProfile(profile) ?? profile;
    // Device use, consent and the items themselves follow the customer each item ends on.
    const deviceUse = new Map<string, Map<string, { firstSeen: string; lastSeen: string }>>();
    const consentTarget = new Map<string, string>();
    const repointed: { key: string; customerId: string }[] = [];
    for (const { entry, customerId } of replay.items) {
      const target = stored(customerId);
      if (entry.device) {
        const uses = deviceUse.get(entry.device.id) ?? new Map<string, { firstSeen: string; lastSeen: string }>();
        const use = uses.get(target);
        const at = entry.item.occurredAt;
        uses.set(target, use ? { firstSeen: at < use.firstSeen ? at : use.firstSeen, lastSeen: at > use.lastSeen ? at : use.lastSeen } : { firstSeen: at, lastSeen: at });
        deviceUse.set(entry.device.id, uses);
      }
      if (entry.consents.length > 0) consentTarget.set(entry.item.cause, target);
      // Only an item now another customer's: one on a profile merged into its customer already belongs to it.
      if (entry.stored && now(entry.stored.customerId) !== target) repointed.push({ key: entry.stored.key, customerId: target });
    }
    // A device's use is recorded on each customer its logged items end on; a use no logged item accounts for is left.
    const usedBy = new Map<string, Set<string>>();
    for (const { deviceId, profileId } of holdings.deviceUses) usedBy.set(deviceId, (usedBy.get(deviceId) ?? new Set()).add(now(profileId)));
    // The component holds every user of its devices: a device its replay does not find shared is not.
    const unshared = [...deviceUse.keys()].filter((deviceId) => !replay.sharedDevices.has(identifierKey('DEVICE_ID', deviceId)));
    const droppedUses = holdings.deviceUses.filter(({ deviceId, profileId }) => deviceUse.has(deviceId) && !deviceUse.get(deviceId)!.has(now(profileId)));
    const addedUses = [...deviceUse].flatMap(([deviceId, uses]) =>
      [...uses].filter(([customerId]) => !usedBy.get(deviceId)?.has(customerId)).map(([customerId, seen]) => ({ deviceId, customerId, ...seen })),
    );
    // Statements of items that count no more (a record its source deleted) go with them, unless a later version of
    // that record (same cause) brought them again.
    const withdrawnCauses = new Set(replay.withdrawn.filter((e) => e.consents.length > 0).map((e) => e.item.cause));
    const withdrawnConsents = holdings.consents
      .filter(({ cause, givenFor }) => givenFor === null && withdrawnCauses.has(cause) && !consentTarget.has(cause))
      .map((c) => c.consentId);
    // An ingested item's statements go with the item; one set through setConsent, with the customer it was given for.
    const consentMoves = holdings.consents.flatMap(({ consentId, cause, givenFor, profileId }) => {
      const target = consentTarget.get(cause) ?? (givenFor ? customerOfProfile(givenFor) : null);
      return target && target !== now(profileId) ? [{ consentId, fromId: profileId, toId: target }] : [];
    });

    const activeCustomers = replay.customers.map((c) => ({ replayed: c, id: stored(c.id) }));
    // An active profile none of whose items counts any more (those of a record its source deleted) keeps its id, emptied.
    const emptied = holdings.profiles.filter((p) => p.mergedInto === null && customerOfProfile(p.id) === null).map((p) => p.id);
    const profileRows = [
      ...activeCustomers.map(({ replayed, id }) => profileWrite(id, replayed.candidates, replayed.matchRecords, options.sourcePriority)),
      ...emptied.map((id) => profileWrite(id, {}, [], options.sourcePriority)),
    ];
    const newRows = created.map((c) => ({ id: c.id, mergedInto: null, apart: activeCustomers.find((a) => a.id === c.id)!.replayed.apart }));
    const matchKeys = [...replay.matchKeys].flatMap(([key, holders]) => [...new Set(holders.map(stored))].map((customerId) => ({ key, customerId })));

    const params = { now: options.now, ruleVersion: options.ruleVersion };
    const sent: Promise<unknown>[] = [];
    const run = (query: string, name: string, list: unknown[], extra: Record<string, unknown> = {}) => {
      if (list.length > 0) sent.push(tx.rows(query, { ...params, ...extra, [name]: list }));
    };
    run(this.q.createCustomers, 'customers', created);
    run(this.q.profiles, 'profiles', [...rows, ...newRows]);
    run(this.q.unlink, 'keys', unlinked, { ids: profiles, sharedDevices: nowShared });
    run(this.q.moveKeys, 'moves', moves);
    run(this.q.relink, 'links', relinks);
    if (droppedUses.length + addedUses.length > 0) sent.push(tx.rows(this.q.deviceUses, { dropped: droppedUses, added: addedUses }));
    run(this.q.unshareDevices, 'ids', unshared);
    run(this.q.moveConsents, 'moves', consentMoves);
    run(this.q.dropConsents, 'ids', withdrawnConsents);
    run(this.q.updateProfiles, 'profiles', profileRows);
    run(this.q.repoint, 'ingestions', repointed);
    const undone = holdings.merges
      .filter((m) => m.absorbedIds.some((id) => now(id) !== now(m.survivorId)))
      .map((m) => m.id);
    run(this.q.undoMerges, 'ids', undone, { undoneBy: options.undoneBy });
    // Profiles it joins that were apart: a merge of its own in their history, caused by what it carries out.
    const joined = new Map<string, string[]>();
    for (const r of rows) if (r.mergedInto !== null && wasActive.has(r.id)) joined.set(r.mergedInto, [...(joined.get(r.mergedInto) ?? []), r.id]);
    const merges = [...joined].map(([survivorId, absorbedIds]) => ({
      id: uuidv7(),
      survivorId,
      causeKind: 'DECISION',
      cause: options.undoneBy,
      absorbed: absorbedIds.map((customerId) => ({ customerId, viaType: null, viaValue: null, viaRecordKey: null, matchProbability: null, matchWeight: null, matchContributions: null, modelVersion: null })),
    }));
    run(this.q.recordMerges, 'merges', merges);
    if (options.matching) sent.push(tx.rows(this.q.matchKeys, { ...params, ids: [...profiles, ...created.map((c) => c.id)], matchKeys }));
    await sentTogether(sent);

    const active = [...activeCustomers.map((a) => a.id), ...emptied];
    return {
      storedIdOf,
      active,
      merged: rows.filter((r) => r.mergedInto !== null && wasActive.has(r.id)).map((r) => ({ customerId: r.id, mergedInto: r.mergedInto! })),
      reactivated: rows.filter((r) => r.mergedInto === null && !wasActive.has(r.id)).map((r) => r.id),
      created: created.map((c) => c.id),
      undone,
    };
  }
}
