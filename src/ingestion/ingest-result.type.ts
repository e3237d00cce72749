import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Aggregated, Pseudonymous } from '../kernel/classification';
import { IdentifierTypeScalar, type IdentifierType } from '../kernel/identifier-type';
import { ConflictReasonEnum } from '../kernel/conflict-reason';

export enum IngestOutcomeEnum {
  CREATED = 'CREATED',
  LINKED = 'LINKED',
  MERGED = 'MERGED',
  DUPLICATE = 'DUPLICATE',
  DETACHED = 'DETACHED',
  REJECTED = 'REJECTED',
  SUPPRESSED = 'SUPPRESSED',
}
registerEnumType(IngestOutcomeEnum, {
  name: 'IngestOutcome',
  valuesConfig: {
    CREATED: { description: 'No identifier was known: a new customer.' },
    LINKED: { description: 'Resolved to one existing customer; new identifiers were linked to it.' },
    MERGED: { description: 'Its identifiers joined several customers into one survivor.' },
    DUPLICATE: {
      description:
        'This messageId (or record version) was applied before, or the record version is older than one its source deleted (customerId null) or than the version a deletion came after: nothing changed.',
    },
    DETACHED: {
      description:
        "A source record's deletion: it no longer describes its customer (customerId), re-resolved without it; customerId null when it described no one.",
    },
    REJECTED: {
      description: 'Refused; see error. The payload is in deadLetters (only its top-level fields after PAYLOAD_TOO_DEEP or PAYLOAD_TOO_LARGE).',
    },
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

@ObjectType()
export class IngestError {
  @Pseudonymous()
  @Field({
    description:
      'Stable code: MISSING_MESSAGE_ID, INVALID_TYPE, MISSING_FIELD, INVALID_FIELD, INVALID_TIMESTAMP, INVALID_IDENTIFIER_TYPE, NO_IDENTIFIERS, UNKNOWN_CONSENT_PURPOSE, PAYLOAD_TOO_DEEP, PAYLOAD_TOO_LARGE, INVALID_TEXT.',
  })
  code!: string;

  @Pseudonymous()
  @Field()
  message!: string;
}

@ObjectType({ description: 'An identifier value dropped before resolution (its value is not echoed).' })
export class DroppedIdentifier {
  @Pseudonymous()
  @Field(() => IdentifierTypeScalar)
  type!: IdentifierType;

  @Pseudonymous()
  @Field(() => DropReasonEnum)
  reason!: DropReasonEnum;
}

@ObjectType({ description: 'An identifier that merge protection refused to link.' })
export class IngestConflict {
  @Pseudonymous()
  @Field(() => IdentifierTypeScalar)
  identifierType!: IdentifierType;

  @Pseudonymous()
  @Field(() => ConflictReasonEnum)
  reason!: ConflictReasonEnum;

  @Pseudonymous()
  @Field(() => Int)
  limit!: number;

  @Pseudonymous({ namesCustomer: true })
  @Field(() => ID, { nullable: true, description: 'The customer that already holds the identifier.' })
  otherCustomerId!: string | null;
}

@ObjectType()
export class IngestResult {
  @Pseudonymous()
  @Field(() => Int, { description: 'Position in the input list.' })
  index!: number;

  // Not PII-typed, unlike a dead letter's messageId: it echoes what the caller sent in this very request, and typing
  // it PII would audit a clear read per customer of every ingested batch.
  @Pseudonymous()
  @Field(() => String, { nullable: true })
  messageId!: string | null;

  @Pseudonymous({ namesCustomer: true })
  @Field(() => ID, { nullable: true, description: 'The customer it resolved to (at the time of this item).' })
  customerId!: string | null;

  @Pseudonymous()
  @Field(() => IngestOutcomeEnum)
  outcome!: IngestOutcomeEnum;

  @Pseudonymous()
  @Field(() => IngestError, { nullable: true })
  error!: IngestError | null;

  @Pseudonymous()
  @Field(() => [IngestConflict])
  conflicts!: IngestConflict[];

  @Pseudonymous()
  @Field(() => [DroppedIdentifier])
  droppedIdentifiers!: DroppedIdentifier[];

  @Pseudonymous()
  @Field(() => ID, { nullable: true, description: 'Set when REJECTED: the dead letter that keeps the payload.' })
  deadLetterId!: string | null;
}

@ObjectType()
export class IngestPayload {
  @Pseudonymous()
  @Field(() => [IngestResult])
  results!: IngestResult[];

  @Aggregated()
  @Field(() => Int)
  created!: number;

  @Aggregated()
  @Field(() => Int)
  linked!: number;

  @Aggregated()
  @Field(() => Int)
  merged!: number;

  @Aggregated()
  @Field(() => Int)
  duplicate!: number;

  @Aggregated()
  @Field(() => Int)
  rejected!: number;

  @Aggregated()
  @Field(() => Int, { description: 'Items of erased people, dropped.' })
  suppressed!: number;
}
