import { v7 as uuidv7 } from 'uuid';
import { statedReason } from '../shared/stated-reason';
import type { Tx } from '../infra/neo4j/database';
import type { ComponentReresolution } from '../identity/component-reresolution';
import type { ResolutionService } from '../identity/resolution.service';
import type { NormalizedIdentifier } from '../identity/identifier-normalizer';
import type { StewardDecision } from '../identity/resolution-plan';
import type { UnitResult, WorkUnit } from '../identity/work-unit';
import { BadUserInputError, ConflictError, NotFoundError } from '../shared/errors';
import type { Effects } from '../writes/effects';
import type { UnitOfWork } from '../writes/unit-of-work';
import type { DecisionRow, StewardshipRepository } from './stewardship.repository';

/** More customers than this in one manual merge is a cleanup job, not a steward's decision. */
export const MAX_MERGED_CUSTOMERS = 100;

export type Decided = Omit<DecisionRow, 'at'> & { at: string };

/** A pair from an offline process, its two sides already resolved to customer ids (null: no such customer). */
export type ImportedPair = { customerIds: [string | null, string | null]; verdict: 'SAME' | 'DIFFERENT'; confidence: number | null };
export type ImportedOutcome = {
  index: number;
  outcome: 'MERGED' | 'KEPT_APART' | 'UNCHANGED' | 'CONTRADICTED' | 'NOT_FOUND';
  decisionId: string | null;
  customerId: string | null;
  reason: string | null;
};

/**
 * A steward's decisions about who is who: merge customers, keep two apart, settle a review candidate. Each runs as
 * an item of its own through identity resolution, in the unit of work: the same planner decides it (merge
 * protection and earlier keep-apart decisions refuse it as they refuse an identifier), the same writes record it,
 * its evidence is logged so a rebuild replays it, and what it changed is published like any other change.
 */
export class StewardDecisions {
  constructor(
    private readonly writes: UnitOfWork,
    private readonly resolution: ResolutionService,
    private readonly identity: { reresolution: ComponentReresolution },
    private readonly repository: StewardshipRepository,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /**
   * Undoes a merge exactly: the profiles it joined get back what they would hold had it never happened, including
   * what arrived after it. A keep-apart decision between them is placed in the evidence log just before the merge,
   * the component is re-resolved from the log, and the result written; from then on nothing joins them again.
   */
  unmergeCustomer(mergeId: string, reason: string, actor: string): Promise<Decided> {
    const note = statedReason(reason, 'reason');
    return this.writes.run(async (tx, effects) => {
      const merge = await this.repository.lockMerge(tx, mergeId);
      if (!merge) throw new NotFoundError(`no merge ${mergeId}`);
      if (merge.undoneBy !== null) throw new ConflictError(`merge ${mergeId} was undone already`, { reason: 'ALREADY_UNDONE', decisionId: merge.undoneBy });
      if (merge.erasing) throw new ConflictError(`a customer merge ${mergeId} joined is being erased`, { reason: 'ERASURE_PENDING' });
      const id = uuidv7();
      const now = this.clock().toISOString();
      const members = [merge.survivorId, ...merge.absorbedIds];
      const apart = await this.identity.reresolution.keepApartSince(tx, effects, { profiles: members, since: new Date(merge.atMs).toISOString(), decisionId: id, now });
      const decided = { id, kind: 'UNMERGE' as const, actor, note, customerIds: members, customerId: apart.customerOf(merge.survivorId), matchCandidateId: null };
      await this.repository.recordDecision(tx, decided, now);
      return { ...decided, at: now };
    });
  }

  /**
   * Retires an identifier (normalised as ingested) from `from` on: the customer holding it loses it, items since
   * then resolve without it, and the next item bringing it gives it to whom that item names. The decision names the
   * customer that held it; its evidence keeps the identifier (erased with that customer).
   */
  retireIdentifier(identifier: NormalizedIdentifier, from: Date | null, reason: string, actor: string): Promise<Decided> {
    const note = statedReason(reason, 'reason');
    const now = this.clock();
    const since = from ?? now;
    if (since.getTime() > now.getTime()) throw new BadUserInputError('from is in the future: retire an identifier once it is recycled', { argument: 'from' });
    return this.writes.run(async (tx, effects) => {
      const [holder] = await this.repository.resolveReferences([{ index: 0, customerId: null, key: identifier.key }], tx);
      if (!holder) throw new NotFoundError(`no customer holds this ${identifier.type}`, { argument: 'value' });
      const [named] = await this.repository.namedCustomers(tx, [holder]);
      if (named?.erasing) throw new ConflictError(`customer ${holder} is being erased`, { reason: 'ERASURE_PENDING', customerIds: [holder] });
      const id = uuidv7();
      const at = now.toISOString();
      const { outcome, replay } = await this.identity.reresolution.retireSince(tx, effects, { identifier, holder, since: since.toISOString(), decisionId: id, now: at });
      const customerId = outcome.storedIdOf.get(replay.profiles.get(holder) ?? '') ?? holder;
      const decided = { id, kind: 'RETIRE' as const, actor, note, customerIds: [holder], customerId, matchCandidateId: null };
      await this.repository.recordDecision(tx, decided, at);
      return { ...decided, at };
    });
  }

  mergeCustomers(customerIds: string[], reason: string, actor: string): Promise<Decided> {
    const ids = [...new Set(customerIds)];
    if (ids.length < 2) throw new BadUserInputError('name at least two customers to merge', { argument: 'ids' });
    if (ids.length > MAX_MERGED_CUSTOMERS) {
      throw new BadUserInputError(`at most ${MAX_MERGED_CUSTOMERS} customers merge in one decision`, { argument: 'ids', limit: MAX_MERGED_CUSTOMERS });
    }
    const note = statedReason(reason, 'reason');
    return this.writes.run((tx, effects) => this.decide(tx, effects, { kind: 'MERGE', customerIds: ids }, note, actor, null));
  }

  keepApart(customerIds: string[], reason: string, actor: string): Promise<Decided> {
    const ids = [...new Set(customerIds)];
    if (ids.length !== 2) throw new BadUserInputError('name exactly two different customers to keep apart', { argument: 'ids' });
    const note = statedReason(reason, 'reason');
    return this.writes.run((tx, effects) =>
      this.decide(tx, effects, { kind: 'KEEP_APART', constraintId: uuidv7(), customerIds: [ids[0], ids[1]] }, note, actor, null),
    );
  }

  /** Settles an open review candidate: its pair merged, or kept apart for good. */
  resolveMatchCandidate(id: string, decision: 'MERGE' | 'KEEP_APART', reason: string, actor: string): Promise<Decided> {
    const note = statedReason(reason, 'note');
    return this.writes.run(async (tx, effects) => {
      const candidate = await this.repository.lockCandidate(tx, id);
      if (!candidate) throw new NotFoundError(`no match candidate ${id}`);
      if (candidate.status !== 'OPEN') throw new ConflictError(`match candidate ${id} was decided already (${candidate.status})`, { status: candidate.status });
      const [a, b] = candidate.customerIds;
      const decided = await this.decide(
        tx,
        effects,
        decision === 'MERGE' ? { kind: 'MERGE', customerIds: [a, b] } : { kind: 'KEEP_APART', constraintId: uuidv7(), customerIds: [a, b] },
        note,
        actor,
        id,
      );
      await this.repository.closeCandidate(tx, {
        id,
        status: decision === 'MERGE' ? 'MERGED' : 'KEPT_APART',
        decisionId: decided.id,
        actor,
        note,
        now: decided.at,
      });
      return decided;
    });
  }

  /**
   * Applies pairs an offline process decided (a CRM's own duplicate merge, a batch matching job) through the same
   * path as a steward's decisions, each in its own transaction: SAME merges (cause OFFLINE), DIFFERENT keeps apart.
   * A pair that contradicts what is decided live (kept apart, one customer already, refused by merge protection)
   * is reported, not applied.
   */
  async importMatchDecisions(pairs: ImportedPair[], source: string, actor: string): Promise<ImportedOutcome[]> {
    const origin = { causeKind: 'OFFLINE' as const, source: `offline:${source}` };
    const outcomes: ImportedOutcome[] = [];
    for (const [index, pair] of pairs.entries()) {
      if (pair.customerIds.some((id) => id === null)) {
        outcomes.push({ index, outcome: 'NOT_FOUND', decisionId: null, customerId: null, reason: 'NO_SUCH_CUSTOMER' });
        continue;
      }
      const customerIds = pair.customerIds as [string, string];
      const note = `${source}: ${pair.verdict}${pair.confidence === null ? '' : ` (confidence ${pair.confidence})`}`;
      try {
        const decided = await this.writes.run((tx, effects) =>
          this.decide(
            tx,
            effects,
            pair.verdict === 'SAME' ? { kind: 'MERGE', customerIds } : { kind: 'KEEP_APART', constraintId: uuidv7(), customerIds },
            note,
            actor,
            null,
            origin,
          ),
        );
        outcomes.push({ index, outcome: pair.verdict === 'SAME' ? 'MERGED' : 'KEPT_APART', decisionId: decided.id, customerId: decided.customerId, reason: null });
      } catch (error) {
        if (error instanceof NotFoundError) outcomes.push({ index, outcome: 'NOT_FOUND', decisionId: null, customerId: null, reason: 'NO_SUCH_CUSTOMER' });
        else if (error instanceof ConflictError) {
          const extensions = error.extensions as { reason?: string; customerId?: string };
          const already = extensions.reason === 'ALREADY_ONE_CUSTOMER';
          outcomes.push({
            index,
            // One customer already agrees with SAME; anything else refused contradicts what is decided live.
            outcome: already && pair.verdict === 'SAME' ? 'UNCHANGED' : 'CONTRADICTED',
            decisionId: null,
            customerId: already ? (extensions.customerId ?? null) : null,
            reason: extensions.reason ?? 'CONFLICT',
          });
        } else throw error;
      }
    }
    return outcomes;
  }

  private async decide(
    tx: Tx,
    effects: Effects,
    decision: StewardDecision,
    note: string,
    actor: string,
    matchCandidateId: string | null,
    origin: { causeKind: 'DECISION' | 'OFFLINE'; source: string } = { causeKind: 'DECISION', source: 'steward' },
  ): Promise<Decided> {
    const named = await this.repository.namedCustomers(tx, decision.customerIds);
    const missing = named.filter((c) => c.activeId === null).map((c) => c.id);
    if (missing.length > 0) throw new NotFoundError(`no customer ${missing.join(', ')}`, { customerIds: missing });
    const erasing = named.filter((c) => c.erasing).map((c) => c.id);
    if (erasing.length > 0) throw new ConflictError(`customer ${erasing.join(', ')} is being erased`, { reason: 'ERASURE_PENDING', customerIds: erasing });
    // Read before the locks, so only a hint: the planner decides again under them and refuses what became one.
    if (new Set(named.map((c) => c.activeId)).size === 1) {
      throw new ConflictError(
        decision.kind === 'MERGE' ? 'the customers named are one customer already' : 'the customers named are one customer: unmerge them first',
        { reason: 'ALREADY_ONE_CUSTOMER', customerId: named[0].activeId },
      );
    }
    const id = uuidv7();
    const now = this.clock().toISOString();
    const unit: WorkUnit = {
      idempotencyKey: `DECISION:${id}`,
      messageId: id,
      item: { causeKind: origin.causeKind, cause: id, source: origin.source, occurredAt: now, identifiers: [], observations: {}, decision },
      device: null,
      consents: [],
      sourceRecord: null,
      activity: null,
      dropped: [],
    };
    const [result] = await this.resolution.resolveIn(tx, [unit], effects);
    if (result.customerId === null) throw new Error('a decision resolved to no customer');
    refuseOnConflict(result, decision);
    // Under the locks they may have become one customer since they were read: a merge then has nothing to do.
    if (decision.kind === 'MERGE' && result.outcome !== 'MERGED') {
      throw new ConflictError('the customers named are one customer already', { reason: 'ALREADY_ONE_CUSTOMER', customerId: result.customerId });
    }
    const decided = { id, kind: decision.kind, actor, note, customerIds: decision.customerIds, customerId: result.customerId, matchCandidateId };
    await this.repository.recordDecision(tx, decided, now);
    return { ...decided, at: now };
  }
}

/** A decision the rules refuse is refused whole: the transaction rolls back, nothing is recorded. */
function refuseOnConflict(result: UnitResult, decision: StewardDecision) {
  const [conflict] = result.conflicts;
  if (!conflict) return;
  const other = conflict.otherCustomerId;
  if (conflict.reason === 'KEPT_APART' && decision.kind === 'KEEP_APART') {
    throw new ConflictError('the customers named are one customer: unmerge them first', { reason: 'ALREADY_ONE_CUSTOMER', customerId: result.customerId });
  }
  if (conflict.reason === 'KEPT_APART') {
    throw new ConflictError(`a steward decided that customer ${other} is another person (keep apart); the merge is refused`, {
      reason: 'KEPT_APART',
      customerId: other,
    });
  }
  throw new ConflictError(`merging customer ${other} would break merge protection (at most ${conflict.limit} identifiers of one type per customer); the merge is refused`, {
    reason: conflict.reason,
    customerId: other,
    limit: conflict.limit,
  });
}
