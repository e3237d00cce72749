import { GraphQLJSON } from 'graphql-scalars';
import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConsentStatusEnum } from '../consent/consent-status';
import { IdentifierTypeEnum } from '../identity/identifier-type';
import { ConflictReasonEnum } from '../ingestion/ingest-result.type';
import { CauseKindEnum } from '../identity/cause-kind';
import { ConnectionType } from '../shared/connection';

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
  @Field(() => CauseKindEnum)
  causeKind!: CauseKindEnum;

  @Field({ description: 'The messageId of the event, or the key of the source record, that linked it.' })
  cause!: string;

  @Field()
  source!: string;

  @Field()
  linkedAt!: Date;

  @Field(() => Int, { description: 'Version of the MatchRuleSet in force.' })
  ruleVersion!: number;

  @Field(() => ID, { nullable: true, description: 'Set when it was linked to a profile later merged into this one.' })
  mergedFrom!: string | null;

  @Field({ description: 'The same, in one sentence.' })
  summary!: string;
}

@ObjectType()
export class LinkedIdentifier {
  @Field(() => IdentifierTypeEnum)
  type!: IdentifierTypeEnum;

  @Field()
  value!: string;

  @Field()
  firstSeen!: Date;

  @Field()
  lastSeen!: Date;
}

@ObjectType()
export class CustomerDevice {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  type!: string | null;

  @Field(() => String, { nullable: true })
  model!: string | null;

  @Field(() => String, { nullable: true })
  manufacturer!: string | null;

  @Field(() => String, { nullable: true })
  os!: string | null;

  @Field()
  firstSeen!: Date;

  @Field()
  lastSeen!: Date;
}

@ObjectType({ description: 'One consent statement, with where it came from.' })
export class ConsentRecord {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'One of CONSENT_PURPOSES (consentPurposes).' })
  purpose!: string;

  @Field(() => ConsentStatusEnum)
  status!: ConsentStatusEnum;

  @Field({ description: 'The system or channel that reported it (web, crm, preference-center...).' })
  source!: string;

  @Field({ description: 'When the person said it; the newest statement per purpose is the current one.' })
  occurredAt!: Date;

  @Field()
  recordedAt!: Date;

  @Field(() => ID, { description: 'The profile it was given on (before any merge).' })
  profileId!: string;

  @Field({ description: 'The event messageId or source record key it came with, or who recorded it through setConsent.' })
  cause!: string;
}

@ObjectType()
export class SourceRecordType {
  @Field()
  source!: string;

  @Field()
  externalId!: string;

  @Field()
  updatedAt!: Date;

  @Field()
  receivedAt!: Date;

  @Field(() => GraphQLJSON)
  attributes!: unknown;
}

@ObjectType()
export class AbsorbedCustomer {
  @Field(() => ID)
  customerId!: string;

  @Field(() => IdentifierTypeEnum, { nullable: true, description: 'The identifier that tied it to the survivor.' })
  viaIdentifierType!: IdentifierTypeEnum | null;

  @Field(() => String, { nullable: true })
  viaIdentifierValue!: string | null;

  @Field(() => String, { nullable: true, description: 'Set when a source record tied it to the survivor.' })
  viaRecordKey!: string | null;
}

@ObjectType({ description: 'One merge: which customers became one, when, why, under which rules.' })
export class MergeRecord {
  @Field(() => ID)
  id!: string;

  @Field()
  at!: Date;

  @Field(() => Int)
  ruleVersion!: number;

  @Field(() => CauseKindEnum)
  causeKind!: CauseKindEnum;

  @Field()
  cause!: string;

  @Field(() => ID)
  survivorId!: string;

  @Field(() => [AbsorbedCustomer])
  absorbed!: AbsorbedCustomer[];
}

@ObjectType({ description: 'An identifier that merge protection refused to link.' })
export class IdentityConflict {
  @Field(() => ID)
  id!: string;

  @Field()
  at!: Date;

  @Field(() => ConflictReasonEnum)
  reason!: ConflictReasonEnum;

  @Field(() => IdentifierTypeEnum)
  identifierType!: IdentifierTypeEnum;

  @Field()
  identifierValue!: string;

  @Field(() => Int)
  limit!: number;

  @Field(() => CauseKindEnum)
  causeKind!: CauseKindEnum;

  @Field()
  cause!: string;

  @Field(() => Int)
  ruleVersion!: number;

  @Field(() => Int, { description: 'How many items were refused the same way; `at`/`cause` are the first, `lastAt`/`lastCause` the latest.' })
  count!: number;

  @Field()
  lastAt!: Date;

  @Field()
  lastCause!: string;

  @Field(() => ID, { description: 'The customer the refused identifier came with.' })
  customerId!: string;

  @Field(() => ID, { nullable: true, description: 'The customer that already holds it.' })
  otherCustomerId!: string | null;
}

@ObjectType({ description: 'Where a golden attribute value came from.' })
export class AttributeLineage {
  @Field()
  attribute!: string;

  @Field()
  source!: string;

  @Field({ description: 'When the source observed it.' })
  observedAt!: Date;

  @Field({ description: 'The event messageId or source record key it came with.' })
  cause!: string;
}

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A unified customer profile; a federation entity keyed by id.' })
export class Customer {
  @Field(() => ID)
  id!: string;

  @Field(() => CustomerStatusEnum)
  status!: CustomerStatusEnum;

  @Field(() => ID, { nullable: true, description: 'The id asked for, when it was merged into this customer.' })
  redirectedFrom!: string | null;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;

  @Field(() => String, { nullable: true })
  firstName!: string | null;

  @Field(() => String, { nullable: true })
  lastName!: string | null;

  @Field(() => String, { nullable: true, description: 'Golden email (not necessarily the only EMAIL identifier).' })
  email!: string | null;

  @Field(() => String, { nullable: true })
  phone!: string | null;

  @Field(() => String, { nullable: true })
  birthday!: string | null;

  @Field(() => String, { nullable: true })
  gender!: string | null;

  @Field(() => String, { nullable: true })
  company!: string | null;

  @Field(() => String, { nullable: true })
  street!: string | null;

  @Field(() => String, { nullable: true })
  city!: string | null;

  @Field(() => String, { nullable: true })
  postalCode!: string | null;

  @Field(() => String, { nullable: true })
  state!: string | null;

  @Field(() => String, { nullable: true })
  country!: string | null;
}

export const CustomerConnection = ConnectionType(Customer, 'Customer');
