import { GraphQLJSON } from 'graphql-scalars';
import { Aggregated, DataOwner, Pii, Pseudonymous } from '../kernel/classification';
import { Directive, Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { IdentifierTypeScalar, type IdentifierType } from '../kernel/identifier-type';
import { ConflictReasonEnum } from '../kernel/conflict-reason';
import { CauseKindEnum } from '../kernel/cause-kind';
import { ConnectionType } from '../shared/connection';
import { withGoldenAttributes } from './golden-attribute-fields';
import type { ProfileRow } from './customer.repository';
import type { ProfileSelection } from './profile-selection';

export enum CustomerStatusEnum {
  ACTIVE = 'ACTIVE',
  MERGED = 'MERGED',
}
registerEnumType(CustomerStatusEnum, {
  name: 'CustomerStatus',
  valuesConfig: { MERGED: { description: 'Absorbed by another customer; its id still resolves to the survivor.' } },
});

@ObjectType({ description: 'Why an identifier belongs to this customer.' })
export class LinkExplanation {
  @Pseudonymous()
  @Field(() => CauseKindEnum)
  causeKind!: CauseKindEnum;

  @Pii('ref')
  @Field(() => String, { nullable: true, description: 'The messageId of the event, or the key of the source record, that linked it. PII: null with an error when the reader may not see it.' })
  cause!: string;

  @Pseudonymous()
  @Field()
  source!: string;

  @Pseudonymous()
  @Field()
  linkedAt!: Date;

  @Pseudonymous()
  @Field(() => Int, { description: 'Version of the MatchRuleSet in force.' })
  ruleVersion!: number;

  @Pseudonymous()
  @Field(() => ID, { nullable: true, description: 'Set when it was linked to a profile later merged into this one.' })
  mergedFrom!: string | null;

  @Pseudonymous()
  @Field({ description: 'The same, in one sentence; it names the kind of cause, never its value (that is `cause`).' })
  summary!: string;

  /** Not in the schema: whose identifier this is, for the audit of clear reads. */
  customerId!: string;
}

@ObjectType()
export class LinkedIdentifier {
  @Pseudonymous()
  @Field(() => IdentifierTypeScalar)
  type!: IdentifierType;

  @Pii('identifier')
  @Field(() => String, { nullable: true, description: 'PII: null with an error when the reader may not see it' })
  value!: string;

  @Pseudonymous()
  @Field()
  firstSeen!: Date;

  @Pseudonymous()
  @Field()
  lastSeen!: Date;

  /** Not in the schema: whose identifier this is, for the audit of clear reads. */
  customerId!: string;
}

@ObjectType()
export class CustomerDevice {
  @Pii('id')
  @Field(() => ID, { nullable: true, description: 'The device id as sent (a DEVICE_ID identifier). PII: null with an error when the reader may not see it.' })
  id!: string;

  @Pseudonymous()
  @Field(() => String, { nullable: true })
  type!: string | null;

  @Pseudonymous()
  @Field(() => String, { nullable: true })
  model!: string | null;

  @Pseudonymous()
  @Field(() => String, { nullable: true })
  manufacturer!: string | null;

  @Pseudonymous()
  @Field(() => String, { nullable: true })
  os!: string | null;

  @Pseudonymous()
  @Field()
  firstSeen!: Date;

  @Pseudonymous()
  @Field()
  lastSeen!: Date;

  /** Not in the schema: whose device usage this is, for the audit of clear reads. */
  customerId!: string;
}

@DataOwner('data-engineering', 'RETENTION_SOURCE_RECORD_DAYS after receipt (else while the customer exists); erased with the customer')
@ObjectType()
export class SourceRecordType {
  @Pseudonymous()
  @Field()
  source!: string;

  @Pii('id')
  @Field(() => String, { nullable: true, description: 'PII (an id can hold anything, an email too): null with an error when the reader may not see it' })
  externalId!: string;

  @Pseudonymous()
  @Field()
  updatedAt!: Date;

  @Pseudonymous()
  @Field()
  receivedAt!: Date;

  @Pii('json')
  @Field(() => GraphQLJSON, { nullable: true, description: 'PII: null with an error when the reader may not see it' })
  attributes!: unknown;

  /** Not in the schema: whose record this is, for the audit of clear reads. */
  customerId!: string;
}

export enum JoinCauseEnum {
  IDENTIFIER = 'IDENTIFIER',
  SOURCE_RECORD = 'SOURCE_RECORD',
  PROBABILISTIC = 'PROBABILISTIC',
  DECISION = 'DECISION',
  OFFLINE = 'OFFLINE',
}
registerEnumType(JoinCauseEnum, {
  name: 'JoinCause',
  description: 'What tied a merged profile to the survivor.',
  valuesConfig: {
    IDENTIFIER: { description: 'An identifier both held (viaIdentifierType, viaIdentifierValue).' },
    SOURCE_RECORD: { description: 'A source record that described both (viaRecordKey).' },
    PROBABILISTIC: { description: 'A match score above the merge threshold (match).' },
    DECISION: { description: "A steward's decision (mergeCustomers, or a review candidate merged): the merge's cause is the decision id (stewardDecisions)." },
    OFFLINE: { description: 'A pair an offline process found to be one person (importMatchDecisions): the cause is the decision id.' },
  },
});

@ObjectType({ description: "One comparison's part in a match score." })
export class MatchContribution {
  @Pseudonymous()
  @Field()
  comparison!: string;

  @Pseudonymous()
  @Field({ description: 'The level the two records compared at, e.g. exact or Jaro-Winkler >= 0.92.' })
  level!: string;

  @Pseudonymous()
  @Field(() => Float, { description: 'Its match weight in bits: positive for one person, negative against.' })
  weight!: number;
}

@ObjectType({ description: 'Why a probabilistic match was made: the score and what each compared attribute added to it.' })
export class MatchExplanation {
  @Pseudonymous()
  @Field(() => Float)
  probability!: number;

  @Pseudonymous()
  @Field(() => Float, { description: 'Match weight in bits: the prior plus every contribution.' })
  weight!: number;

  @Pseudonymous()
  @Field(() => Int, { nullable: true, description: 'The match model version that scored it.' })
  modelVersion!: number | null;

  @Pseudonymous()
  @Field(() => [MatchContribution])
  contributions!: MatchContribution[];
}

@ObjectType()
export class AbsorbedCustomer {
  @Pseudonymous()
  @Field(() => JoinCauseEnum)
  joinedBy!: JoinCauseEnum;

  @Pseudonymous()
  @Field(() => MatchExplanation, { nullable: true, description: 'Set when joinedBy is PROBABILISTIC.' })
  match!: MatchExplanation | null;

  @Pseudonymous()
  @Field(() => ID)
  customerId!: string;

  @Pseudonymous()
  @Field(() => IdentifierTypeScalar, { nullable: true, description: 'The identifier that tied it to the survivor.' })
  viaIdentifierType!: IdentifierType | null;

  @Pii('identifier')
  @Field(() => String, { nullable: true })
  viaIdentifierValue!: string | null;

  @Pii('ref')
  @Field(() => String, { nullable: true, description: 'Set when a source record tied it to the survivor. PII: null with an error when the reader may not see it.' })
  viaRecordKey!: string | null;
}

@ObjectType({ description: 'One merge: which customers became one, when, why, under which rules.' })
export class MergeRecord {
  @Pseudonymous()
  @Field(() => ID)
  id!: string;

  @Pseudonymous()
  @Field()
  at!: Date;

  @Pseudonymous()
  @Field(() => Int)
  ruleVersion!: number;

  @Pseudonymous()
  @Field(() => CauseKindEnum)
  causeKind!: CauseKindEnum;

  @Pii('ref')
  @Field(() => String, { nullable: true, description: 'PII: null with an error when the reader may not see it' })
  cause!: string;

  @Pseudonymous()
  @Field(() => ID)
  survivorId!: string;

  @Pseudonymous()
  @Field(() => [AbsorbedCustomer])
  absorbed!: AbsorbedCustomer[];

  @Pseudonymous()
  @Field(() => Date, { nullable: true, description: 'Set when a steward undid the merge (unmergeCustomer).' })
  undoneAt!: Date | null;

  @Pseudonymous()
  @Field(() => ID, { nullable: true, description: 'The steward decision that undid it (stewardDecisions).' })
  undoneBy!: string | null;

  /** Not in the schema: the customer whose history it was read in, for the audit of clear reads. */
  customerId!: string;
}

@ObjectType({ description: 'An identifier that merge protection refused to link.' })
export class IdentityConflict {
  @Pseudonymous()
  @Field(() => ID)
  id!: string;

  @Pseudonymous()
  @Field()
  at!: Date;

  @Pseudonymous()
  @Field(() => ConflictReasonEnum)
  reason!: ConflictReasonEnum;

  @Pseudonymous()
  @Field(() => IdentifierTypeScalar)
  identifierType!: IdentifierType;

  @Pii('identifier')
  @Field(() => String, { nullable: true, description: 'PII: null with an error when the reader may not see it' })
  identifierValue!: string;

  @Pseudonymous()
  @Field(() => Int)
  limit!: number;

  @Pseudonymous()
  @Field(() => CauseKindEnum)
  causeKind!: CauseKindEnum;

  @Pii('ref')
  @Field(() => String, { nullable: true, description: 'PII: null with an error when the reader may not see it' })
  cause!: string;

  @Pseudonymous()
  @Field(() => Int)
  ruleVersion!: number;

  @Aggregated()
  @Field(() => Int, { description: 'How many items were refused the same way; `at`/`cause` are the first, `lastAt`/`lastCause` the latest.' })
  count!: number;

  @Pseudonymous()
  @Field()
  lastAt!: Date;

  @Pii('ref')
  @Field(() => String, { nullable: true, description: 'PII: null with an error when the reader may not see it' })
  lastCause!: string;

  @Pseudonymous()
  @Field(() => ID, { description: 'The customer the refused identifier came with.' })
  customerId!: string;

  @Pseudonymous({ namesCustomer: true })
  @Field(() => ID, { nullable: true, description: 'The customer that already holds it.' })
  otherCustomerId!: string | null;
}

@ObjectType({ description: 'Where a golden attribute value came from.' })
export class AttributeLineage {
  @Pseudonymous()
  @Field()
  attribute!: string;

  @Pseudonymous()
  @Field()
  source!: string;

  @Pseudonymous()
  @Field({ description: 'When the source observed it.' })
  observedAt!: Date;

  @Pii('ref')
  @Field(() => String, { nullable: true, description: 'The event messageId or source record key it came with. PII: null with an error when the reader may not see it.' })
  cause!: string;

  /** Not in the schema: whose golden record it is, for the audit of clear reads. */
  customerId!: string;
}

/** The profile's own fields; the golden attributes follow them (see withGoldenAttributes). */
@ObjectType('CustomerFields')
class CustomerFields {
  @Pseudonymous()
  @Field(() => ID)
  id!: string;

  @Pseudonymous()
  @Field(() => CustomerStatusEnum)
  status!: CustomerStatusEnum;

  @Pseudonymous()
  @Field(() => ID, { nullable: true, description: 'The id asked for, when it was merged into this customer.' })
  redirectedFrom!: string | null;

  @Pseudonymous()
  @Field()
  createdAt!: Date;

  @Pseudonymous()
  @Field()
  updatedAt!: Date;
}

@Directive('@key(fields: "id")')
@DataOwner('customer-data-platform', 'while the customer exists; erased on request; anonymous-only profiles after RETENTION_ANONYMOUS_PROFILE_DAYS')
@ObjectType({ description: 'A unified customer profile; a federation entity keyed by id.' })
export class Customer extends withGoldenAttributes(CustomerFields, 'Customer') {
  /** Not in the schema: the profile a root field read it from, holding only what that field's selection asked for. */
  profile?: ProfileRow;

  /** Not in the schema: what to read of its profile when a page listed it (the page has its properties). */
  profileSelection?: ProfileSelection;
}

export const CustomerConnection = ConnectionType(Customer, 'Customer');
