import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { IdentifierTypeEnum } from '../identity/identifier-type';

export enum IngestOutcomeEnum {
  CREATED = 'CREATED',
  LINKED = 'LINKED',
  MERGED = 'MERGED',
  DUPLICATE = 'DUPLICATE',
  REJECTED = 'REJECTED',
  SUPPRESSED = 'SUPPRESSED',
}
registerEnumType(IngestOutcomeEnum, {
  name: 'IngestOutcome',
  valuesConfig: {
    CREATED: { description: 'No identifier was known: a new customer.' },
    LINKED: { description: 'Resolved to one existing customer; new identifiers were linked to it.' },
    MERGED: { description: 'Its identifiers joined several customers into one survivor.' },
    DUPLICATE: { description: 'This messageId (or record version) was applied before; nothing changed.' },
    REJECTED: { description: 'Refused; see error. The payload is in deadLetters.' },
    SUPPRESSED: {
      description: 'Its identifiers (or its source record) belong to an erased person: dropped and counted, nothing stored, no dead letter.',
    },
  },
});

export enum DropReasonEnum {
  BLOCKED = 'BLOCKED',
  INVALID = 'INVALID',
  SUPPRESSED = 'SUPPRESSED',
}
registerEnumType(DropReasonEnum, {
  name: 'DropReason',
  valuesConfig: { SUPPRESSED: { description: 'The identifier belonged to a person who was erased.' } },
});

export enum ConflictReasonEnum {
  LIMIT_EXCEEDED = 'LIMIT_EXCEEDED',
  MERGE_BLOCKED = 'MERGE_BLOCKED',
}
registerEnumType(ConflictReasonEnum, {
  name: 'ConflictReason',
  valuesConfig: {
    LIMIT_EXCEEDED: { description: 'Linking the identifier would give the customer more values of its type than allowed.' },
    MERGE_BLOCKED: { description: 'The identifier belongs to another customer, and merging the two would break a limit.' },
  },
});

@ObjectType()
export class IngestError {
  @Field({ description: 'Stable code: MISSING_MESSAGE_ID, INVALID_TYPE, MISSING_FIELD, INVALID_FIELD, INVALID_TIMESTAMP, INVALID_IDENTIFIER_TYPE, NO_IDENTIFIERS.' })
  code!: string;

  @Field()
  message!: string;
}

@ObjectType({ description: 'An identifier value dropped before resolution (its value is not echoed).' })
export class DroppedIdentifier {
  @Field(() => IdentifierTypeEnum)
  type!: IdentifierTypeEnum;

  @Field(() => DropReasonEnum)
  reason!: DropReasonEnum;
}

@ObjectType({ description: 'An identifier that merge protection refused to link.' })
export class IngestConflict {
  @Field(() => IdentifierTypeEnum)
  identifierType!: IdentifierTypeEnum;

  @Field(() => ConflictReasonEnum)
  reason!: ConflictReasonEnum;

  @Field(() => Int)
  limit!: number;

  @Field(() => ID, { nullable: true, description: 'The customer that already holds the identifier.' })
  otherCustomerId!: string | null;
}

@ObjectType()
export class IngestResult {
  @Field(() => Int, { description: 'Position in the input list.' })
  index!: number;

  @Field(() => String, { nullable: true })
  messageId!: string | null;

  @Field(() => ID, { nullable: true, description: 'The customer it resolved to (at the time of this item).' })
  customerId!: string | null;

  @Field(() => IngestOutcomeEnum)
  outcome!: IngestOutcomeEnum;

  @Field(() => IngestError, { nullable: true })
  error!: IngestError | null;

  @Field(() => [IngestConflict])
  conflicts!: IngestConflict[];

  @Field(() => [DroppedIdentifier])
  droppedIdentifiers!: DroppedIdentifier[];

  @Field(() => ID, { nullable: true, description: 'Set when REJECTED: the dead letter that keeps the payload.' })
  deadLetterId!: string | null;
}

@ObjectType()
export class IngestPayload {
  @Field(() => [IngestResult])
  results!: IngestResult[];

  @Field(() => Int)
  created!: number;

  @Field(() => Int)
  linked!: number;

  @Field(() => Int)
  merged!: number;

  @Field(() => Int)
  duplicate!: number;

  @Field(() => Int)
  rejected!: number;

  @Field(() => Int, { description: 'Items of erased people, dropped.' })
  suppressed!: number;
}
