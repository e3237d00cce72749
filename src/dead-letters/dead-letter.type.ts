import { GraphQLJSON } from 'graphql-scalars';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { CauseKindEnum } from '../identity/cause-kind';
import { ConnectionType } from '../shared/connection';

export enum DeadLetterStatusEnum {
  OPEN = 'OPEN',
  RESOLVED = 'RESOLVED',
}
registerEnumType(DeadLetterStatusEnum, {
  name: 'DeadLetterStatus',
  valuesConfig: { RESOLVED: { description: 'A resubmission was accepted.' } },
});

@ObjectType({ description: 'A rejected event or record, kept with its reason until it is resubmitted.' })
export class DeadLetterType {
  @Field(() => ID)
  id!: string;

  @Field(() => CauseKindEnum)
  kind!: CauseKindEnum;

  @Field(() => String, { nullable: true })
  messageId!: string | null;

  @Field(() => String, { nullable: true })
  source!: string | null;

  @Field({ description: 'The rejection code of the latest attempt.' })
  code!: string;

  @Field()
  message!: string;

  @Field(() => GraphQLJSON, { description: 'The payload as received.' })
  payload!: unknown;

  @Field(() => DeadLetterStatusEnum)
  status!: DeadLetterStatusEnum;

  @Field(() => Int)
  attempts!: number;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;

  @Field(() => ID, { nullable: true })
  resolvedCustomerId!: string | null;
}

export const DeadLetterConnection = ConnectionType(DeadLetterType, 'DeadLetter');
