import { Field, ID, ObjectType } from 'type-graphql';
import { ConsentRecord } from '../customers/customer.type';
import { ConsentStatusEnum } from './consent-status';

@ObjectType({
  description:
    'Profiles merged into one customer whose statements in force for a purpose disagree. The customer follows the newest (current); the others stay visible here.',
})
export class ConsentConflict {
  @Field()
  purpose!: string;

  @Field(() => ConsentRecord, { description: 'The statement in force for the merged customer.' })
  current!: ConsentRecord;

  @Field(() => [ConsentRecord], { description: 'The statement in force on each merged profile, newest first.' })
  statements!: ConsentRecord[];
}

@ObjectType()
export class SetConsentPayload {
  @Field(() => ID, { description: 'The customer it applies to: the survivor when an absorbed id was given.' })
  customerId!: string;

  @Field(() => ConsentRecord, { description: 'The statement as recorded (the earlier one, on a retry).' })
  statement!: ConsentRecord;

  @Field(() => ConsentRecord, { description: 'The statement in force for this purpose now; an older statement does not displace a newer one.' })
  current!: ConsentRecord;

  @Field({ description: 'The same statement had been recorded before: nothing changed.' })
  duplicate!: boolean;
}

@ObjectType({ description: 'The consent in force for a customer and purpose changed.' })
export class ConsentChangeEvent {
  @Field(() => ID)
  customerId!: string;

  @Field()
  purpose!: string;

  @Field(() => ConsentStatusEnum)
  status!: ConsentStatusEnum;

  @Field(() => ConsentStatusEnum, { nullable: true, description: 'Null when nothing had been said about the purpose before.' })
  previousStatus!: ConsentStatusEnum | null;

  @Field({ description: 'When the statement now in force was made.' })
  occurredAt!: Date;

  @Field()
  source!: string;
}
