import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

export enum CustomerChangeKindEnum {
  CREATED = 'CREATED',
  UPDATED = 'UPDATED',
  MERGED = 'MERGED',
}
registerEnumType(CustomerChangeKindEnum, {
  name: 'CustomerChangeKind',
  valuesConfig: { MERGED: { description: 'This customer was absorbed; mergedInto is the survivor.' } },
});

@ObjectType({ description: 'A change to one customer profile.' })
export class CustomerChangeEvent {
  @Field(() => ID)
  customerId!: string;

  @Field(() => CustomerChangeKindEnum)
  change!: CustomerChangeKindEnum;

  @Field(() => ID, { nullable: true })
  mergedInto!: string | null;

  @Field()
  at!: Date;
}
