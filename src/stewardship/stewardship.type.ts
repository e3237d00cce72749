import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { MatchExplanation } from '../customers/customer.type';
import { CauseKindEnum } from '../kernel/cause-kind';
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
}
registerEnumType(DecisionKindEnum, { name: 'StewardDecisionKind' });

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
