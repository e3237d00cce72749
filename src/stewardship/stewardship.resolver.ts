import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { PrincipalContext } from '../auth/principal';
import type { LoadersContext } from '../customers/customer.loaders';
import { customerAsSeen } from '../customers/customer-as-seen';
import { Customer, type MatchContribution } from '../customers/customer.type';
import { CauseKindEnum } from '../kernel/cause-kind';
import { IdentifierTypeScalar, type IdentifierType } from '../kernel/identifier-type';
import { Pseudonymous } from '../kernel/classification';
import { decodeCursor, pageSize, toConnection, type Connection } from '../shared/connection';
import type { Decided, StewardDecisions } from './steward-decisions';
import type { DecisionRow, MatchCandidateRow, StewardshipRepository } from './stewardship.repository';
import { BadUserInputError } from '../shared/errors';
import type { IdentifierNormalizer } from '../identity/identifier-normalizer';
import { normalizedIdentifier, referenceKey } from './customer-references';
import {
  DecisionKindEnum,
  ImportedMatchDecision,
  ImportOutcomeEnum,
  MatchDecisionInput,
  MatchCandidateConnection,
  MatchCandidateStatusEnum,
  MatchCandidateView,
  ReviewDecisionEnum,
  StewardDecisionConnection,
  StewardDecisionView,
} from './stewardship.type';

type Context = PrincipalContext & LoadersContext;

/** Pairs per importMatchDecisions call: each is a transaction of its own, so a call's time grows with them. */
const MAX_IMPORTED_PAIRS = 1_000;

const toCandidate = ({ probability, weight, modelVersion, contributions, ...row }: MatchCandidateRow): MatchCandidateView => ({
  ...row,
  status: MatchCandidateStatusEnum[row.status],
  causeKind: CauseKindEnum[row.causeKind as keyof typeof CauseKindEnum],
  score: { probability, weight, modelVersion, contributions: JSON.parse(contributions) as MatchContribution[] },
  createdAt: new Date(row.createdAt),
  updatedAt: new Date(row.updatedAt),
  decidedAt: row.decidedAt === null ? null : new Date(row.decidedAt),
});

const toDecision = (row: DecisionRow | Decided): StewardDecisionView => ({ ...row, kind: DecisionKindEnum[row.kind], at: new Date(row.at) });

@Resolver(() => MatchCandidateView)
export class MatchCandidateResolver {
  constructor(
    private readonly decisions: StewardDecisions,
    private readonly repository: StewardshipRepository,
  ) {}

  @Pseudonymous()
  @Query(() => MatchCandidateConnection, { description: 'The review queue: pairs a steward decides, oldest first.' })
  async matchCandidates(
    @Arg('status', () => MatchCandidateStatusEnum, { defaultValue: MatchCandidateStatusEnum.OPEN }) status: MatchCandidateStatusEnum,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<Connection<MatchCandidateView>> {
    const size = pageSize(first);
    const cursor = decodeCursor(after, 1);
    const rows = await this.repository.candidates(status, cursor?.[0] ?? null, size + 1);
    return toConnection(rows.map(toCandidate), size, (c) => [c.id]);
  }

  @Pseudonymous()
  @Subscription(() => MatchCandidateView, {
    nullable: true,
    topics: 'MATCH_CANDIDATE_ADDED',
    description: 'Each pair newly queued for review, as it is when told (null when decided or erased meanwhile): what a review screen follows.',
  })
  async matchCandidateAdded(@Root() added: { id: string }): Promise<MatchCandidateView | null> {
    const row = await this.repository.candidate(added.id);
    return row && row.status === 'OPEN' ? toCandidate(row) : null;
  }

  @Pseudonymous()
  @FieldResolver(() => [Customer], { description: 'Both profiles side by side (a customer the reader may not see is left out).' })
  async customers(@Root() candidate: MatchCandidateView, @Ctx() context: Context): Promise<Customer[]> {
    const customers = await Promise.all(candidate.customerIds.map((id) => customerAsSeen(context, id)));
    return customers.filter((c): c is Customer => c !== null);
  }

  @Pseudonymous()
  @Mutation(() => StewardDecisionView, {
    description:
      'Settles a review candidate: MERGE joins the pair (cause DECISION, in mergeHistory); KEEP_APART records that they are two people, which every later decision respects (shown as a KEPT_APART conflict on both). CONFLICT when it was decided already, or when merge protection or an earlier keep-apart refuses the merge.',
  })
  async resolveMatchCandidate(
    @Arg('id', () => ID) id: string,
    @Arg('decision', () => ReviewDecisionEnum) decision: ReviewDecisionEnum,
    @Arg('note', { description: 'Why: kept with the decision (a ticket reference, not personal data).' }) note: string,
    @Ctx() { principal }: PrincipalContext,
  ): Promise<StewardDecisionView> {
    return toDecision(await this.decisions.resolveMatchCandidate(id, decision, note, principal.subject));
  }
}

@Resolver(() => StewardDecisionView)
export class StewardDecisionResolver {
  constructor(
    private readonly decisions: StewardDecisions,
    private readonly repository: StewardshipRepository,
    private readonly normalizer: IdentifierNormalizer,
  ) {}

  @Pseudonymous()
  @Query(() => StewardDecisionConnection, { description: 'Every steward decision, oldest first: who, when, why.' })
  async stewardDecisions(
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<Connection<StewardDecisionView>> {
    const size = pageSize(first);
    const cursor = decodeCursor(after, 1);
    const rows = await this.repository.decisions(cursor?.[0] ?? null, size + 1);
    return toConnection(rows.map(toDecision), size, (d) => [d.id]);
  }

  @Pseudonymous()
  @Mutation(() => StewardDecisionView, {
    description:
      'Merges customers a steward knows are one person: the oldest survives, as in any merge (cause DECISION). CONFLICT when merge protection or an earlier keep-apart decision refuses it, or when they are one customer already.',
  })
  async mergeCustomers(
    @Arg('ids', () => [ID]) ids: string[],
    @Arg('reason', { description: 'Why: kept with the decision (a ticket reference, not personal data).' }) reason: string,
    @Ctx() { principal }: PrincipalContext,
  ): Promise<StewardDecisionView> {
    return toDecision(await this.decisions.mergeCustomers(ids, reason, principal.subject));
  }

  @Pseudonymous()
  @Mutation(() => StewardDecisionView, {
    description: 'Records that two customers are different people: no identifier, record, score or later decision joins them. CONFLICT when they are one customer already (unmerge first).',
  })
  async keepCustomersApart(
    @Arg('ids', () => [ID], { description: 'Exactly two customers.' }) ids: string[],
    @Arg('reason', { description: 'Why: kept with the decision (a ticket reference, not personal data).' }) reason: string,
    @Ctx() { principal }: PrincipalContext,
  ): Promise<StewardDecisionView> {
    return toDecision(await this.decisions.keepApart(ids, reason, principal.subject));
  }

  @Pseudonymous()
  @Mutation(() => StewardDecisionView, {
    description:
      "Undoes a merge (an id from mergeHistory) exactly: the customers it joined get back the identifiers, source records, devices, consents and golden attributes they would hold had it never happened, including what arrived after it (re-derived from the evidence log); a keep-apart decision then keeps them apart. Both are told UNMERGED or UPDATED on customerChanged; mergeHistory keeps the merge, marked undoneBy. CONFLICT when undone already, or when part of the customers' history predates the evidence log.",
  })
  async unmergeCustomer(
    @Arg('mergeId', () => ID) mergeId: string,
    @Arg('reason', { description: 'Why: kept with the decision (a ticket reference, not personal data).' }) reason: string,
    @Ctx() { principal }: PrincipalContext,
  ): Promise<StewardDecisionView> {
    return toDecision(await this.decisions.unmergeCustomer(mergeId, reason, principal.subject));
  }

  @Pseudonymous()
  @Mutation(() => StewardDecisionView, {
    description:
      "Retires an identifier (a recycled phone number, a reassigned email address), written as ingestion reads it: from `from` on (now when left out) it resolves to no one until an item brings it again, which gives it to whom that item names. The customer holding it loses it, and items since `from` that brought it are re-resolved without it (from the evidence log). The decision and its evidence keep the history. NOT_FOUND when no one holds it; CONFLICT as unmergeCustomer's.",
  })
  async retireIdentifier(
    @Arg('type', () => IdentifierTypeScalar) type: IdentifierType,
    @Arg('value') value: string,
    @Arg('reason', { description: 'Why: kept with the decision (a ticket reference, not personal data).' }) reason: string,
    @Ctx() { principal }: PrincipalContext,
    @Arg('from', () => Date, { nullable: true, description: 'When it changed hands (not in the future); now when left out.' }) from?: Date | null,
  ): Promise<StewardDecisionView> {
    const identifier = normalizedIdentifier(type, value, this.normalizer, 'value');
    return toDecision(await this.decisions.retireIdentifier(identifier, from ?? null, reason, principal.subject));
  }

  @Pseudonymous()
  @Mutation(() => [ImportedMatchDecision], {
    description:
      "Applies pairs an offline process decided (a CRM's own duplicate merge, a batch matching job), each as its own decision through the same path as a steward's: SAME merges (cause OFFLINE), DIFFERENT keeps the two apart. A pair that contradicts what is decided live is reported (CONTRADICTED, with the reason), not applied. At most 1,000 pairs per call.",
  })
  async importMatchDecisions(
    @Arg('decisions', () => [MatchDecisionInput]) decisions: MatchDecisionInput[],
    @Arg('source', { description: 'The process the pairs come from, e.g. salesforce-duplicates; kept with each decision.' }) source: string,
    @Ctx() { principal }: PrincipalContext,
  ): Promise<ImportedMatchDecision[]> {
    if (decisions.length > MAX_IMPORTED_PAIRS) {
      throw new BadUserInputError(`at most ${MAX_IMPORTED_PAIRS} pairs per call`, { argument: 'decisions', limit: MAX_IMPORTED_PAIRS });
    }
    const origin = source.trim().toLowerCase();
    if (origin === '' || origin.length > 64) throw new BadUserInputError('source must be 1 to 64 characters', { argument: 'source' });
    const refs = decisions.flatMap((d, i) => {
      if (d.confidence !== null && d.confidence !== undefined && !(d.confidence >= 0 && d.confidence <= 1)) {
        throw new BadUserInputError(`decisions[${i}].confidence must be between 0 and 1`, { argument: `decisions[${i}].confidence` });
      }
      return [referenceKey(d.a, 2 * i, this.normalizer, `decisions[${i}].a`), referenceKey(d.b, 2 * i + 1, this.normalizer, `decisions[${i}].b`)];
    });
    const customers = refs.length > 0 ? await this.repository.resolveReferences(refs) : [];
    const outcomes = await this.decisions.importMatchDecisions(
      decisions.map((d, i) => ({ customerIds: [customers[2 * i], customers[2 * i + 1]], verdict: d.verdict, confidence: d.confidence ?? null })),
      origin,
      principal.subject,
    );
    return outcomes.map((o) => ({ ...o, outcome: ImportOutcomeEnum[o.outcome] }));
  }

  @Pseudonymous()
  @FieldResolver(() => Customer, { nullable: true, description: 'The customer it left them on, as it is now.' })
  async customer(@Root() decision: StewardDecisionView, @Ctx() context: Context): Promise<Customer | null> {
    return customerAsSeen(context, decision.customerId);
  }
}
