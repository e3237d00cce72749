import { GraphQLJSON } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Pii, Pseudonymous, Public } from '../kernel/classification';
import { AuditEntryType } from '../audit/audit-entry.type';
import { ConsentRecord } from '../consent/consent-record.type';
import {
  AttributeLineage,
  CustomerDevice,
  CustomerStatusEnum,
  IdentityConflict,
  LinkExplanation,
  MergeRecord,
  SourceRecordType,
} from '../customers/customer.type';
import { CauseKindEnum } from '../kernel/cause-kind';
import { IdentifierTypeScalar, type IdentifierType } from '../kernel/identifier-type';
import { withGoldenAttributes } from '../customers/golden-attribute-fields';
import { ErasureRequestType } from './erasure-request.type';

/** The stored profile's own fields; the golden attributes follow them (see withGoldenAttributes). */
@ObjectType('ExportedProfileFields')
class ExportedProfileFields {
  @Pseudonymous()
  @Field(() => ID)
  id!: string;

  @Pseudonymous()
  @Field(() => CustomerStatusEnum)
  status!: CustomerStatusEnum;

  @Pseudonymous()
  @Field(() => ID, { nullable: true })
  mergedInto!: string | null;

  @Pseudonymous()
  @Field(() => Date, { nullable: true })
  mergedAt!: Date | null;

  @Pseudonymous()
  @Field()
  createdAt!: Date;

  @Pseudonymous()
  @Field()
  updatedAt!: Date;
}

@ObjectType({ description: 'One stored profile of the person: the survivor or one merged into it, as stored.' })
export class ExportedProfile extends withGoldenAttributes(ExportedProfileFields, 'ExportedProfile') {
  @Pseudonymous()
  @Field(() => [AttributeLineage])
  attributeLineage!: AttributeLineage[];
}

@ObjectType({ description: 'An identifier of the person, with why it is theirs.' })
export class ExportedIdentifier {
  @Pseudonymous()
  @Field(() => IdentifierTypeScalar)
  type!: IdentifierType;

  @Pii('identifier')
  @Field(() => String, { nullable: true, description: 'PII: null with an error when the reader may not see it' })
  value!: string;

  /** Not in the schema: whose identifier this is, for the audit of clear reads. */
  customerId!: string;

  @Pseudonymous()
  @Field()
  firstSeen!: Date;

  @Pseudonymous()
  @Field()
  lastSeen!: Date;

  @Pseudonymous()
  @Field(() => LinkExplanation, { nullable: true })
  why!: LinkExplanation | null;
}

@ObjectType({ description: 'A count of events in one time bucket.' })
export class ExportedBehaviourBucket {
  @Pseudonymous()
  @Field({ description: 'Start of the bucket (BEHAVIOUR_BUCKET_MINUTES long).' })
  start!: Date;

  @Pseudonymous()
  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'Behaviour facts kept for segments: TRACK events of one name, counted per time bucket.' })
export class ExportedBehaviour {
  @Pseudonymous()
  @Field(() => ID)
  profileId!: string;

  @Pseudonymous()
  @Field()
  event!: string;

  @Pseudonymous()
  @Field(() => Int, { description: 'All time, including buckets past retention.' })
  total!: number;

  @Pseudonymous()
  @Field()
  lastAt!: Date;

  @Pseudonymous()
  @Field(() => [ExportedBehaviourBucket])
  buckets!: ExportedBehaviourBucket[];
}

@ObjectType({ description: 'Membership of a segment.' })
export class ExportedSegmentMembership {
  @Pseudonymous()
  @Field(() => ID)
  segmentId!: string;

  @Pseudonymous()
  @Field()
  segmentName!: string;

  @Pseudonymous()
  @Field()
  since!: Date;
}

@ObjectType({ description: 'An identifier as an item brought it, normalised.' })
export class EvidenceIdentifier {
  @Pseudonymous()
  @Field(() => IdentifierTypeScalar)
  type!: IdentifierType;

  @Pii('identifier')
  @Field(() => String, { nullable: true, description: 'PII: null with an error when the reader may not see it' })
  value!: string;

  /** Not in the schema: whose evidence this is, for the audit of clear reads. */
  customerId!: string;
}

@ObjectType({ description: 'A consent statement as an item brought it.' })
export class EvidenceConsent {
  @Pseudonymous()
  @Field()
  purpose!: string;

  @Pseudonymous()
  @Field()
  status!: string;

  @Pseudonymous()
  @Field()
  occurredAt!: Date;
}

@ObjectType({ description: 'What one applied item brought (the evidence log): what resolution saw, normalised, and what rebuilds the profile.' })
export class ExportedEvidence {
  @Pseudonymous()
  @Field(() => ID, { description: 'The profile the item first landed on.' })
  profileId!: string;

  @Pseudonymous()
  @Field({ description: 'When its batch was applied.' })
  receivedAt!: Date;

  @Pseudonymous()
  @Field(() => CauseKindEnum)
  causeKind!: CauseKindEnum;

  @Pii('ref')
  @Field(() => String, { nullable: true, description: 'The messageId of the event, or the key of the source record. PII: null with an error when the reader may not see it.' })
  cause!: string;

  @Pseudonymous()
  @Field()
  source!: string;

  @Pseudonymous()
  @Field({ description: 'When its facts were true (event timestamp, record updatedAt).' })
  occurredAt!: Date;

  @Pseudonymous()
  @Field(() => [EvidenceIdentifier])
  identifiers!: EvidenceIdentifier[];

  @Pii('json')
  @Field(() => GraphQLJSON, { nullable: true, description: 'Profile attributes it observed, by name. PII: null with an error when the reader may not see it.' })
  attributes!: Record<string, string>;

  @Pii('id')
  @Field(() => String, { nullable: true, description: 'The device it was sent from, if any. PII: null with an error when the reader may not see it.' })
  deviceId!: string | null;

  @Pseudonymous()
  @Field(() => [EvidenceConsent])
  consents!: EvidenceConsent[];
}

@ObjectType({ description: 'Everything held about one person (right of access), in one document.' })
export class CustomerDataExport {
  @Pseudonymous()
  @Field(() => ID, { description: 'The id asked for.' })
  requestedId!: string;

  @Pseudonymous()
  @Field(() => ID, { nullable: true, description: 'The surviving profile; null when the person was erased.' })
  customerId!: string | null;

  @Public()
  @Field()
  exportedAt!: Date;

  @Pseudonymous()
  @Field(() => ErasureRequestType, { nullable: true, description: 'Set when the person was erased: every section is then empty.' })
  erasure!: ErasureRequestType | null;

  @Pseudonymous()
  @Field(() => [ExportedProfile], { description: 'The survivor first, then every profile merged into it.' })
  profiles!: ExportedProfile[];

  @Pseudonymous()
  @Field(() => [ExportedIdentifier])
  identifiers!: ExportedIdentifier[];

  @Pseudonymous()
  @Field(() => [CustomerDevice])
  devices!: CustomerDevice[];

  @Pseudonymous()
  @Field(() => [SourceRecordType])
  sourceRecords!: SourceRecordType[];

  @Pseudonymous()
  @Field(() => [ConsentRecord], { description: 'Every consent statement (the history), newest first per purpose.' })
  consents!: ConsentRecord[];

  @Pseudonymous()
  @Field(() => [ExportedSegmentMembership])
  segmentMemberships!: ExportedSegmentMembership[];

  @Pseudonymous()
  @Field(() => [ExportedBehaviour])
  behaviour!: ExportedBehaviour[];

  @Pseudonymous()
  @Field(() => [MergeRecord])
  mergeHistory!: MergeRecord[];

  @Pseudonymous()
  @Field(() => [IdentityConflict])
  conflicts!: IdentityConflict[];

  @Pseudonymous()
  @Field(() => [ExportedEvidence], { description: 'What every item that brought identity or attribute facts brought, by profile, oldest first.' })
  evidence!: ExportedEvidence[];

  @Pseudonymous()
  @Field(() => [AuditEntryType], { description: 'Who read their PII, when and why (the audit trail), by profile id, then oldest first.' })
  piiReads!: AuditEntryType[];
}
