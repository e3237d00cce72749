import { consentChanges } from '../consent/consent-changes';
import type { ConsentRepository } from '../consent/consent.repository';
import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import { RetryableConflict, type Tx } from '../infra/neo4j/database';
import { v7 as uuidv7 } from 'uuid';
import { profileKey } from '../kernel/identifier-type';
import { ConflictError } from '../shared/errors';
import type { Effects } from '../writes/effects';
import type { ComponentRewrite, RewriteOutcome } from './component-rewrite';
import type { CustomerRebuild } from './customer-rebuild';
import { encodeEvidence } from './evidence';
import type { LoggedEvidence, Replay } from './evidence-replay';
import type { NormalizedIdentifier } from './identifier-normalizer';
import type { IdentityRepository } from './identity.repository';
import type { AppliedRules } from './rules/rule-book';
import { sameCustomers } from './rules/replay-diff';

export type Reresolved = { profiles: string[]; replay: Replay; outcome: RewriteOutcome };

/** Profiles kept apart since a time: the stored customer each is part of now. */
export type KeptApart = { customerOf(profile: string): string };

/**
 * Re-resolves a customer's connected component in a transaction: locks every profile of it, replays its evidence
 * (with the entries given added, such as a keep-apart decision placed before a merge it undoes) and writes what the
 * replay makes of it, reporting what changed like any write. Refused when part of the component was applied before
 * the evidence log: its result would not be exact.
 */
export class ComponentReresolution {
  private readonly q;

  constructor(
    registry: CypherRegistry,
    private readonly rebuild: CustomerRebuild,
    private readonly rewrite: ComponentRewrite,
    private readonly consents: ConsentRepository,
    private readonly repository: IdentityRepository,
    private readonly options: { sourcePriority: string[]; rules: () => AppliedRules },
  ) {
    this.q = registry.bind({
      lock: 'identity/lock-customers',
      active: 'identity/active-profiles',
      separated: 'identity/record-separated',
    });
  }

  /**
   * Keeps profiles apart as if a steward had decided so at `since` (an unmerge: the time of the merge it undoes): a
   * keep-apart decision between each two of them is placed in the evidence log just before the batch of that time,
   * the component is re-resolved, and the constraints, the refusals the replay makes from then on, and the placed
   * evidence are recorded. Refused (CONFLICT) when the evidence cannot tell them apart.
   */
  async keepApartSince(tx: Tx, effects: Effects, { profiles, since, decisionId, now }: { profiles: string[]; since: string; decisionId: string; now: string }): Promise<KeptApart> {
    const pairs = profiles.flatMap((a, i) => profiles.slice(i + 1).map((b) => [a, b] as [string, string]));
    const placed: LoggedEvidence[] = pairs.map((customerIds, k) => ({
      item: { causeKind: 'DECISION', cause: decisionId, source: 'steward', occurredAt: now, identifiers: [], observations: {}, decision: { kind: 'KEEP_APART', constraintId: uuidv7(), customerIds } },
      device: null,
      consents: [],
      // Before every item of that batch (their places start at 0).
      position: k - pairs.length,
      receivedAt: since,
      landedOn: profiles[0],
    }));
    const { replay, outcome } = await this.reresolveIn(tx, effects, profiles[0], placed, now, decisionId);
    const customerOf = (profile: string) => outcome.storedIdOf.get(replay.profiles.get(profile) ?? '') ?? null;
    if (new Set(profiles.map(customerOf)).size !== profiles.length || profiles.some((p) => customerOf(p) === null)) {
      throw new ConflictError('the evidence cannot tell these customers apart', { reason: 'NOT_SEPARABLE' });
    }
    const stored = (replayed: string) => outcome.storedIdOf.get(replayed) ?? replayed;
    const decided = pairs.map(([a, b], k) => ({ id: (placed[k].item.decision as { constraintId: string }).constraintId, a: customerOf(a)!, b: customerOf(b)! }));
    await this.repository.recordDecided(
      tx,
      {
        keptApart: decided.map(({ id, a, b }) => ({ id, customerId: a, otherCustomerId: b, causeKind: 'DECISION', cause: decisionId })),
        conflicts: [
          // The decision itself, as a batch records a keep-apart decision: one conflict, which both customers list.
          ...decided.map(({ a, b }) => ({
            id: uuidv7(),
            customerId: a,
            otherCustomerId: b,
            identifier: { type: 'PROFILE', value: b, key: profileKey(b) },
            reason: 'KEPT_APART' as const,
            limit: 0,
            causeKind: 'DECISION' as const,
            cause: decisionId,
          })),
          // Refusals the replay made of items from then on (those already stored are not counted again).
          ...replay.conflicts
            .filter((c) => c.at >= since && c.cause !== decisionId)
            .map((c) => ({ ...c, customerId: stored(c.customerId), otherCustomerId: c.otherCustomerId && stored(c.otherCustomerId) })),
        ],
        evidence: placed.map((entry, k) => ({ key: `DECISION:${decisionId}:${k}`, customerId: profiles[0], evidence: encodeEvidence(entry), receivedAt: since })),
      },
      this.options.rules().version,
      now,
    );
    return { customerOf: (profile) => customerOf(profile)! };
  }

  /**
   * Retires an identifier from `since` on (a recycled phone number, a reassigned address), as if a steward had decided
   * so then: a retirement is placed in the evidence log before the batch of that time, and the component of the
   * customer holding it now is re-resolved. From then on it resolves to no one until an item brings it again; items
   * since then that brought it resolve without it to whom else they name. The retirement is kept in the log.
   */
  async retireSince(tx: Tx, effects: Effects, { identifier, holder, since, decisionId, now }: { identifier: NormalizedIdentifier; holder: string; since: string; decisionId: string; now: string }): Promise<Reresolved> {
    const placed: LoggedEvidence = {
      item: { causeKind: 'DECISION', cause: decisionId, source: 'steward', occurredAt: since, identifiers: [], observations: {}, decision: { kind: 'RETIRE', identifier, customerIds: [] } },
      device: null,
      consents: [],
      position: -1,
      receivedAt: since,
      landedOn: holder,
    };
    const reresolved = await this.reresolveIn(tx, effects, holder, [placed], now, decisionId);
    // Held by no one then (before the holder had it, or before the evidence log started): nothing to retire, and a
    // retirement kept at that time would only stand in the way of later replays.
    if (!reresolved.replay.items.some(({ entry }) => entry.item.decision?.kind === 'RETIRE' && entry.item.cause === decisionId)) {
      throw new ConflictError(`no one held this ${identifier.type} at ${since} as far as the evidence log tells: retire it from a time it was held`, {
        reason: 'NOT_HELD_THEN',
        argument: 'from',
      });
    }
    await this.repository.recordDecided(
      tx,
      { keptApart: [], conflicts: [], evidence: [{ key: `DECISION:${decisionId}:0`, customerId: holder, evidence: encodeEvidence(placed), receivedAt: since }] },
      this.options.rules().version,
      now,
    );
    return reresolved;
  }

  /** `cause`: the decision the re-resolution carries out; merges it undoes are marked with it. */
  async reresolveIn(tx: Tx, effects: Effects, customerId: string, added: LoggedEvidence[], now: string, cause: string): Promise<Reresolved> {
    const { profiles, logged } = await this.lockedComponent(tx, customerId);
    // Today's rules and model must give what is stored before anything is added: else the rewrite would also redo
    // what they changed since, which no one asked for.
    if (!(await this.rebuild.reproduces(tx, profiles, await this.rebuild.replay(logged)))) {
      throw new ConflictError("the customer's component does not rebuild as stored under the rules and match model in force (they changed since): re-resolve it under them first", {
        reason: 'NOT_REPRODUCIBLE',
      });
    }
    const replay = await this.rebuild.replay([...logged, ...added]);
    const outcome = await this.write(tx, effects, profiles, replay, this.options.rules(), now, cause);
    return { profiles, replay, outcome };
  }

  /**
   * Re-resolves a component under other rules (a version put in force, or rolled back to), when they make other
   * customers of its evidence than the rules they replace: a component both make alike is not touched (nor is one
   * resolved under rules of its own that the change does not concern). UNCHANGED, or what was rewritten.
   */
  async reresolveUnder(
    tx: Tx,
    effects: Effects,
    customerId: string,
    rules: { previous: AppliedRules; next: AppliedRules },
    now: string,
    cause: string,
  ): Promise<{ profiles: string[]; rewritten: RewriteOutcome | null }> {
    const { profiles, logged } = await this.lockedComponent(tx, customerId);
    const replay = await this.rebuild.replay(logged, rules.next);
    // Stored as the new rules make it already (re-resolved earlier in the walk), or alike under both rule sets.
    if ((await this.rebuild.reproduces(tx, profiles, replay)) || sameCustomers(await this.rebuild.replay(logged, rules.previous), replay)) {
      return { profiles, rewritten: null };
    }
    return { profiles, rewritten: await this.write(tx, effects, profiles, replay, rules.next, now, cause) };
  }

  /** The component's profiles, locked, and their evidence; refused when part of it predates the log. */
  private async lockedComponent(tx: Tx, customerId: string): Promise<{ profiles: string[]; logged: LoggedEvidence[] }> {
    const profiles = await this.rebuild.component(tx, customerId);
    await tx.rows(this.q.lock, { ids: profiles });
    // A batch that committed between the read and the locks may have joined another profile to the component.
    const locked = await this.rebuild.component(tx, customerId);
    if (locked.length !== profiles.length || locked.some((id, i) => id !== profiles[i])) {
      throw new RetryableConflict('the component changed while its profiles were being locked');
    }
    const { unlogged, logged } = await this.rebuild.evidence(tx, profiles);
    if (unlogged > 0) {
      throw new ConflictError(`${unlogged} items of this customer's component were applied before the evidence log started (or their evidence expired): it cannot be re-resolved exactly`, {
        reason: 'UNLOGGED_ITEMS',
        unloggedItems: unlogged,
      });
    }
    return { profiles, logged };
  }

  /** Writes the replay over the component and reports what changed like any write. */
  private async write(tx: Tx, effects: Effects, profiles: string[], replay: Replay, rules: AppliedRules, now: string, cause: string): Promise<RewriteOutcome> {
    const activeBefore = await this.activeOf(tx, profiles);
    const consentBefore = await this.consents.current(tx, activeBefore);
    const outcome = await this.rewrite.write(tx, profiles, replay, {
      sourcePriority: this.options.sourcePriority,
      ruleVersion: rules.version,
      now,
      matching: await this.rebuild.matching(rules),
      undoneBy: cause,
    });
    if (outcome.active.length > 1) await tx.rows(this.q.separated, { ids: outcome.active });
    const consentAfter = await this.consents.current(tx, outcome.active);
    const reactivated = new Set([...outcome.reactivated, ...outcome.created]);
    effects.customersChanged([
      ...outcome.active.map((id) => ({ customerId: id, change: reactivated.has(id) ? ('UNMERGED' as const) : ('UPDATED' as const), mergedInto: null })),
      ...outcome.merged.map((m) => ({ customerId: m.customerId, change: 'MERGED' as const, mergedInto: m.mergedInto })),
    ]);
    effects.touched(outcome.active.map((id) => ({ customerId: id, reads: 'ALL' as const })));
    effects.consentsChanged(consentChanges(consentBefore, consentAfter));
    return outcome;
  }

  private async activeOf(tx: Tx, profiles: string[]): Promise<string[]> {
    const rows = await tx.rows<{ id: string }>(this.q.active, { ids: profiles });
    return rows.map((r) => r.id);
  }
}
