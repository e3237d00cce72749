import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Aggregated, DataOwner, Pseudonymous, Public } from '../kernel/classification';

export enum ErasureStatusEnum {
  RECEIVED = 'RECEIVED',
  RUNNING = 'RUNNING',
  COMPLETED = 'COMPLETED',
  FAILED = 'FAILED',
}
registerEnumType(ErasureStatusEnum, {
  name: 'ErasureStatus',
  valuesConfig: {
    RECEIVED: { description: 'Accepted and stored; it will run (also after a restart).' },
    RUNNING: { description: 'Being erased, in batches.' },
    COMPLETED: { description: 'Nothing of the person is left; only this request and suppression hashes remain.' },
    FAILED: { description: 'Stopped on an error; call eraseCustomer again to retry (every step is idempotent).' },
  },
});

@ObjectType('ErasureCounts', { description: 'What an erasure removed, by kind: counts only, never a value.' })
export class ErasureCountsType {
  @Aggregated()
  @Field(() => Int, { description: 'Profiles: the survivor and every profile merged into it.' })
  customers!: number;

  @Aggregated()
  @Field(() => Int)
  identifiers!: number;

  @Aggregated()
  @Field(() => Int, { description: 'Devices no one else used.' })
  devices!: number;

  @Aggregated()
  @Field(() => Int, { description: 'Links to devices; a device another customer still uses stays for them.' })
  deviceLinks!: number;

  @Aggregated()
  @Field(() => Int)
  sourceRecords!: number;

  @Aggregated()
  @Field(() => Int, { description: 'Consent statements, the whole history.' })
  consents!: number;

  @Aggregated()
  @Field(() => Int)
  merges!: number;

  @Aggregated()
  @Field(() => Int, { description: 'Merge-protection refusals on the person.' })
  conflicts!: number;

  @Aggregated()
  @Field(() => Int, { description: "Refusals on other customers that named the person's identifier: kept for them, value removed." })
  conflictsRedacted!: number;

  @Aggregated()
  @Field(() => Int, { description: 'Idempotency records of their events and records.' })
  ingestions!: number;

  @Aggregated()
  @Field(() => Int, { description: 'Dead letters whose payload carried one of their identifiers, or resubmitted into them.' })
  deadLetters!: number;

  @Aggregated()
  @Field(() => Int, { description: 'Memberships ended (each published as EXITED).' })
  segmentMemberships!: number;

  @Aggregated()
  @Field(() => Int, { description: 'Behaviour facts: TRACK counts per event name.' })
  behaviour!: number;

  @Aggregated()
  @Field(() => Int, { description: 'Redis keys under c360:customer:<id>:.' })
  cacheKeys!: number;

  @Aggregated()
  @Field(() => Int, { description: 'Suppression entries (salted hashes of identifier and record keys) added.' })
  suppressions!: number;
}

@DataOwner('privacy-office', 'kept as the proof of an erasure; holds no personal data')
@ObjectType('ErasureRequest', { description: 'A request to erase a person; the only record of them an erasure keeps.' })
export class ErasureRequestType {
  @Pseudonymous()
  @Field(() => ID)
  id!: string;

  @Pseudonymous()
  @Field(() => ID, { description: 'The id the erasure was asked for (a survivor or an absorbed profile).' })
  customerId!: string;

  @Public()
  @Field(() => ErasureStatusEnum)
  status!: ErasureStatusEnum;

  @Pseudonymous()
  @Field({ description: "The operator's reason, e.g. a ticket reference." })
  reason!: string;

  @Public()
  @Field()
  requestedAt!: Date;

  @Public()
  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;

  @Public()
  @Field(() => Date, { nullable: true })
  completedAt!: Date | null;

  @Public()
  @Field(() => Int, { description: 'Runs so far (a retry or a resume after a restart adds one).' })
  attempts!: number;

  @Public()
  @Field(() => String, { nullable: true, description: 'Why the last run FAILED: the kind of error, never data.' })
  error!: string | null;

  @Aggregated()
  @Field(() => ErasureCountsType)
  removed!: ErasureCountsType;
}
