import { GraphQLJSON } from 'graphql-scalars';
import { DataOwner, Pii, Pseudonymous } from '../kernel/classification';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { CauseKindEnum } from '../kernel/cause-kind';
import { ConnectionType } from '../shared/connection';

export enum DeadLetterStatusEnum {
  OPEN = 'OPEN',
  RESOLVED = 'RESOLVED',
}
registerEnumType(DeadLetterStatusEnum, {
  name: 'DeadLetterStatus',
  valuesConfig: { RESOLVED: { description: 'A resubmission was accepted.' } },
});

@DataOwner('data-engineering', 'RETENTION_DEAD_LETTER_DAYS; erased with any customer whose identifiers it carries')
@ObjectType({ description: 'A rejected event or record, kept with its reason until it is resubmitted.' })
export class DeadLetterType {
  @Pseudonymous()
  @Field(() => ID)
  id!: string;

  @Pseudonymous()
  @Field(() => CauseKindEnum)
  kind!: CauseKindEnum;

  @Pii('ref')
  @Field(() => String, {
    nullable: true,
    description: 'The event messageId, or `<record key>@<updatedAt>` (it holds the external id). PII: null with an error when the reader may not see it.',
  })
  messageId!: string | null;

  @Pseudonymous()
  @Field(() => String, { nullable: true })
  source!: string | null;

  @Pseudonymous()
  @Field({ description: 'The rejection code of the latest attempt.' })
  code!: string;

  @Pseudonymous()
  @Field()
  message!: string;

  @Pii('json')
  @Field(() => GraphQLJSON, { nullable: true, description: 'The payload as received; only its top-level fields if it is nested deeper than INGEST_MAX_ITEM_DEPTH (stored before items were bounded). PII: null with an error when the reader may not see it.' })
  payload!: unknown;

  @Pseudonymous()
  @Field(() => DeadLetterStatusEnum)
  status!: DeadLetterStatusEnum;

  @Pseudonymous()
  @Field(() => Int)
  attempts!: number;

  @Pseudonymous()
  @Field()
  createdAt!: Date;

  @Pseudonymous()
  @Field()
  updatedAt!: Date;

  @Pseudonymous({ namesCustomer: true })
  @Field(() => ID, { nullable: true })
  resolvedCustomerId!: string | null;
}

export const DeadLetterConnection = ConnectionType(DeadLetterType, 'DeadLetter');
