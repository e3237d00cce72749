import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { MatchExplanation } from '../customers/customer.type';
import { CauseKindEnum } from '../kernel/cause-kind';
import { IdentifierTypeScalar, type IdentifierType } from '../kernel/identifier-type';
import { DataOwner, Pii, Pseudonymous } from '../kernel/classification';
import { ConnectionType } from '../shared/connection';

export enum MatchCandidateStatusEnum {
  OPEN = 'OPEN',
  MERGED = 'MERGED',
  KEPT_APART = 'KEPT_APART',
}
registerEnumType(MatchCandidateStatusEnum, {
  name: 'MatchCandidateStatus',
  valuesConfig: {
    OPEN: { description: 'Waiting for a steward.' },
    MERGED: { description: 'A steward merged the pair.' },
    KEPT_APART: { description: 'A steward decided they are two people: nothing joins them again.' },
  },
});

export enum ReviewDecisionEnum {
  MERGE = 'MERGE',
  KEEP_APART = 'KEEP_APART',
}
registerEnumType(ReviewDecisionEnum, { name: 'ReviewDecision', description: 'What a steward decides about a review candidate.' });

export enum DecisionKindEnum {
  MERGE = 'MERGE',
  KEEP_APART = 'KEEP_APART',
  UNMERGE = 'UNMERGE',
  RETIRE = 'RETIRE',
}
registerEnumType(DecisionKindEnum, {
  name: 'StewardDecisionKind',
  valuesConfig: { RETIRE: { description: 'An identifier retired (retireIdentifier): it resolves to no one from then on until seen again.' } },
});

@DataOwner('customer-data-platform', 'while both customers exist; erased with either')
@ObjectType('MatchCandidate', {
  description: 'Two customers a match score put between the review and merge thresholds (or that merge protection kept from merging on a score): a steward decides.',
})
export class MatchCandidateView {
  @Pseudonymous()
  @Field(() => ID)
  id!: string;

  @Pseudonymous()
  @Field(() => MatchCandidateStatusEnum)
  status!: MatchCandidateStatusEnum;

  @Pseudonymous()
  @Field(() => [ID], { description: 'The two customers, each as the active customer it is part of today.' })
  customerIds!: string[];

  @Pseudonymous()
  @Field(() => MatchExplanation, { description: 'The latest score: the probability that the two are one person, and what each comparison added.' })
  score!: MatchExplanation;

  @Pseudonymous()
  @Field(() => CauseKindEnum)
  causeKind!: CauseKindEnum;

  @Pii('ref')
  @Field(() => String, { nullable: true, description: 'The item that was scored last. PII: null with an error when the reader may not see it.' })
  cause!: string;

  @Pseudonymous()
  @Field()
  createdAt!: Date;

  @Pseudonymous()
  @Field()
  updatedAt!: Date;

  @Pseudonymous()
  @Field(() => ID, { nullable: true, description: 'The steward decision that settled it.' })
  decisionId!: string | null;

  @Pseudonymous()
  @Field(() => Date, { nullable: true })
  decidedAt!: Date | null;

  @Pseudonymous()
  @Field(() => String, { nullable: true, description: 'Who decided: the token subject.' })
  decidedBy!: string | null;

  @Pseudonymous()
  @Field(() => String, { nullable: true })
  note!: string | null;
}

export const MatchCandidateConnection = ConnectionType(MatchCandidateView, 'MatchCandidate');

@DataOwner('privacy-office', 'kept for accountability; holds ids and the steward note only, so an erasure leaves it')
@ObjectType('StewardDecision', { description: 'A steward decision about who is who: who, when, why, and what it did.' })
export class StewardDecisionView {
  @Pseudonymous()
  @Field(() => ID, { description: 'What a merge it made names as its cause (causeKind DECISION).' })
  id!: string;

  @Pseudonymous()
  @Field(() => DecisionKindEnum)
  kind!: DecisionKindEnum;

  @Pseudonymous()
  @Field()
  at!: Date;

  @Pseudonymous()
  @Field({ description: 'Who decided: the token subject.' })
  actor!: string;

  @Pseudonymous()
  @Field({ description: 'Why, as the steward wrote it.' })
  note!: string;

  @Pseudonymous()
  @Field(() => [ID], { description: 'The customers it named, as named.' })
  customerIds!: string[];

  @Pseudonymous()
  @Field(() => ID, { description: 'The customer it left them on: the survivor of a merge; for KEEP_APART and UNMERGE, the first named.' })
  customerId!: string;

  @Pseudonymous()
  @Field(() => ID, { nullable: true, description: 'The review candidate it settled.' })
  matchCandidateId!: string | null;
}

export const StewardDecisionConnection = ConnectionType(StewardDecisionView, 'StewardDecision');

@InputType({ description: 'An identifier, as ingested (normalised the same way).' })
export class IdentifierRefInput {
  @Field(() => IdentifierTypeScalar)
  type!: IdentifierType;

  @Field()
  value!: string;
}

@InputType({ description: 'A source record, by the source and id it was upserted with.' })
export class RecordRefInput {
  @Field()
  source!: string;

  @Field()
  externalId!: string;
}

@InputType({ description: 'One customer, named exactly one way: by id, by an identifier it holds, or by a source record that describes it.' })
export class CustomerRefInput {
  @Field(() => ID, { nullable: true })
  customerId?: string | null;

  @Field(() => IdentifierRefInput, { nullable: true })
  identifier?: IdentifierRefInput | null;

  @Field(() => RecordRefInput, { nullable: true })
  record?: RecordRefInput | null;
}

export enum MatchVerdictEnum {
  SAME = 'SAME',
  DIFFERENT = 'DIFFERENT',
}
registerEnumType(MatchVerdictEnum, { name: 'MatchVerdict', description: 'What an offline process decided about a pair: one person, or two.' });

@InputType({ description: 'A pair decided by an offline process (a CRM duplicate merge, a batch matching job).' })
export class MatchDecisionInput {
  @Field(() => CustomerRefInput)
  a!: CustomerRefInput;

  @Field(() => CustomerRefInput)
  b!: CustomerRefInput;

  @Field(() => MatchVerdictEnum)
  verdict!: MatchVerdictEnum;

  @Field(() => Float, { nullable: true, description: "The process's confidence, 0 to 1; kept with the decision." })
  confidence?: number | null;
}

export enum ImportOutcomeEnum {
  MERGED = 'MERGED',
  KEPT_APART = 'KEPT_APART',
  UNCHANGED = 'UNCHANGED',
  CONTRADICTED = 'CONTRADICTED',
  NOT_FOUND = 'NOT_FOUND',
}
registerEnumType(ImportOutcomeEnum, {
  name: 'ImportOutcome',
  valuesConfig: {
    MERGED: { description: 'SAME applied: merged with cause OFFLINE.' },
    KEPT_APART: { description: 'DIFFERENT applied: a keep-apart constraint, as a steward records one.' },
    UNCHANGED: { description: 'SAME for two that are one customer already.' },
    CONTRADICTED: { description: 'Not applied: it contradicts what is decided live (reason: KEPT_APART, MERGE_BLOCKED, ALREADY_ONE_CUSTOMER, ERASURE_PENDING).' },
    NOT_FOUND: { description: 'Not applied: a side names no customer.' },
  },
});

@ObjectType({ description: 'What became of one imported pair.' })
export class ImportedMatchDecision {
  @Pseudonymous()
  @Field(() => Int, { description: 'Its place in the input.' })
  index!: number;

  @Pseudonymous()
  @Field(() => ImportOutcomeEnum)
  outcome!: ImportOutcomeEnum;

  @Pseudonymous()
  @Field(() => ID, { nullable: true, description: 'The decision it made (stewardDecisions), when applied.' })
  decisionId!: string | null;

  @Pseudonymous()
  @Field(() => ID, { nullable: true, description: 'The customer it left them on (merged, or one already).' })
  customerId!: string | null;

  @Pseudonymous()
  @Field(() => String, { nullable: true, description: 'Why it was not applied.' })
  reason!: string | null;
}
