import { Field, ID, ObjectType } from 'type-graphql';
import { DataOwner, Pii, Pseudonymous } from '../kernel/classification';
import { ConsentStatusEnum } from '../kernel/consent-status';

@DataOwner('privacy-office', 'every statement, while the customer exists; erased with the customer')
@ObjectType({ description: 'One consent statement, with where it came from.' })
export class ConsentRecord {
  @Pseudonymous()
  @Field(() => ID)
  id!: string;

  @Pseudonymous()
  @Field({ description: 'One of CONSENT_PURPOSES (consentPurposes).' })
  purpose!: string;

  @Pseudonymous()
  @Field(() => ConsentStatusEnum)
  status!: ConsentStatusEnum;

  @Pseudonymous()
  @Field({ description: 'The system or channel that reported it (web, crm, preference-center...).' })
  source!: string;

  @Pseudonymous()
  @Field({ description: 'When the person said it; the newest statement per purpose is the current one.' })
  occurredAt!: Date;

  @Pseudonymous()
  @Field()
  recordedAt!: Date;

  @Pseudonymous()
  @Field(() => ID, { description: 'The profile it was given on (before any merge).' })
  profileId!: string;

  @Pii('ref')
  @Field(() => String, {
    nullable: true,
    description: 'The event messageId or source record key it came with, or who recorded it through setConsent. PII: null with an error when the reader may not see it.',
  })
  cause!: string;
}
