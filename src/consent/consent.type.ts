import { Field, ID, ObjectType } from 'type-graphql';
import { Pseudonymous, Public } from '../kernel/classification';
import { ConsentRecord } from './consent-record.type';
import { ConsentStatusEnum } from '../kernel/consent-status';

@ObjectType({
  description:
    'Profiles merged into one customer whose statements in force for a purpose disagree. The customer follows the newest (current); the others stay visible here.',
})
export class ConsentConflict {
  @Pseudonymous()
  @Field()
  purpose!: string;

  @Pseudonymous()
  @Field(() => ConsentRecord, { description: 'The statement in force for the merged customer.' })
  current!: ConsentRecord;

  @Pseudonymous()
  @Field(() => [ConsentRecord], { description: 'The statement in force on each merged profile, newest first.' })
  statements!: ConsentRecord[];
}

@ObjectType()
export class SetConsentPayload {
  @Pseudonymous()
  @Field(() => ID, { description: 'The customer it applies to: the survivor when an absorbed id was given.' })
  customerId!: string;

  @Pseudonymous()
  @Field(() => ConsentRecord, { description: 'The statement as recorded (the earlier one, on a retry).' })
  statement!: ConsentRecord;

  @Pseudonymous()
  @Field(() => ConsentRecord, { description: 'The statement in force for this purpose now; an older statement does not displace a newer one.' })
  current!: ConsentRecord;

  @Public()
  @Field({ description: 'The same statement had been recorded before: nothing changed.' })
  duplicate!: boolean;
}

@ObjectType({ description: 'The consent in force for a customer and purpose changed.' })
export class ConsentChangeEvent {
  @Pseudonymous()
  @Field(() => ID)
  customerId!: string;

  @Pseudonymous()
  @Field()
  purpose!: string;

  @Pseudonymous()
  @Field(() => ConsentStatusEnum)
  status!: ConsentStatusEnum;

  @Pseudonymous()
  @Field(() => ConsentStatusEnum, { nullable: true, description: 'Null when nothing had been said about the purpose before.' })
  previousStatus!: ConsentStatusEnum | null;

  @Pseudonymous()
  @Field({ description: 'When the statement now in force was made.' })
  occurredAt!: Date;

  @Pseudonymous()
  @Field()
  source!: string;
}
