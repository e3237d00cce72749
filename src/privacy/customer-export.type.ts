import { Field, ID, ObjectType } from 'type-graphql';
import {
  AttributeLineage,
  ConsentRecord,
  CustomerDevice,
  CustomerStatusEnum,
  IdentityConflict,
  LinkExplanation,
  MergeRecord,
  SourceRecordType,
} from '../customers/customer.type';
import { IdentifierTypeEnum } from '../identity/identifier-type';
import { ErasureRequestType } from './erasure-request.type';

@ObjectType({ description: 'One stored profile of the person: the survivor or one merged into it, as stored.' })
export class ExportedProfile {
  @Field(() => ID)
  id!: string;

  @Field(() => CustomerStatusEnum)
  status!: CustomerStatusEnum;

  @Field(() => ID, { nullable: true })
  mergedInto!: string | null;

  @Field(() => Date, { nullable: true })
  mergedAt!: Date | null;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;

  @Field(() => String, { nullable: true })
  firstName!: string | null;

  @Field(() => String, { nullable: true })
  lastName!: string | null;

  @Field(() => String, { nullable: true })
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

  @Field(() => [AttributeLineage])
  attributeLineage!: AttributeLineage[];
}

@ObjectType({ description: 'An identifier of the person, with why it is theirs.' })
export class ExportedIdentifier {
  @Field(() => IdentifierTypeEnum)
  type!: IdentifierTypeEnum;

  @Field()
  value!: string;

  @Field()
  firstSeen!: Date;

  @Field()
  lastSeen!: Date;

  @Field(() => LinkExplanation, { nullable: true })
  why!: LinkExplanation | null;
}

@ObjectType({ description: 'Membership of a segment (segments are not built yet: always empty for now).' })
export class ExportedSegmentMembership {
  @Field(() => ID)
  segmentId!: string;

  @Field()
  segmentName!: string;

  @Field()
  since!: Date;
}

@ObjectType({ description: "One read of the person's PII, from the audit trail." })
export class ExportedPiiRead {
  @Field()
  at!: Date;

  @Field({ description: 'The subject of the token that read it.' })
  actor!: string;

  @Field(() => [String])
  roles!: string[];

  @Field(() => String, { nullable: true })
  purpose!: string | null;

  @Field(() => String, { nullable: true })
  operation!: string | null;

  @Field(() => [String], { description: 'The PII fields read, e.g. Customer.email.' })
  fields!: string[];

  @Field(() => ID, { description: 'The profile id the read was recorded under.' })
  customerId!: string;
}

@ObjectType({ description: 'Everything held about one person (right of access), in one document.' })
export class CustomerDataExport {
  @Field(() => ID, { description: 'The id asked for.' })
  requestedId!: string;

  @Field(() => ID, { nullable: true, description: 'The surviving profile; null when the person was erased.' })
  customerId!: string | null;

  @Field()
  exportedAt!: Date;

  @Field(() => ErasureRequestType, { nullable: true, description: 'Set when the person was erased: every section is then empty.' })
  erasure!: ErasureRequestType | null;

  @Field(() => [ExportedProfile], { description: 'The survivor first, then every profile merged into it.' })
  profiles!: ExportedProfile[];

  @Field(() => [ExportedIdentifier])
  identifiers!: ExportedIdentifier[];

  @Field(() => [CustomerDevice])
  devices!: CustomerDevice[];

  @Field(() => [SourceRecordType])
  sourceRecords!: SourceRecordType[];

  @Field(() => [ConsentRecord], { description: 'Every consent statement (the history), newest first per purpose.' })
  consents!: ConsentRecord[];

  @Field(() => [ExportedSegmentMembership])
  segmentMemberships!: ExportedSegmentMembership[];

  @Field(() => [MergeRecord])
  mergeHistory!: MergeRecord[];

  @Field(() => [IdentityConflict])
  conflicts!: IdentityConflict[];

  @Field(() => [ExportedPiiRead], { description: 'Who read their PII, when and why (the audit trail).' })
  piiReads!: ExportedPiiRead[];
}
