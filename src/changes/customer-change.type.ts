import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Pseudonymous } from '../kernel/classification';

export enum CustomerChangeKindEnum {
  CREATED = 'CREATED',
  UPDATED = 'UPDATED',
  MERGED = 'MERGED',
  UNMERGED = 'UNMERGED',
}
registerEnumType(CustomerChangeKindEnum, {
  name: 'CustomerChangeKind',
  valuesConfig: {
    MERGED: { description: 'This customer was absorbed; mergedInto is the survivor.' },
    UNMERGED: { description: 'A merge was undone (unmergeCustomer): this customer is its own again, with what its evidence gives it.' },
  },
});

@ObjectType({ description: 'A change to one customer profile.' })
export class CustomerChangeEvent {
  @Pseudonymous()
  @Field(() => ID)
  customerId!: string;

  @Pseudonymous()
  @Field(() => CustomerChangeKindEnum)
  change!: CustomerChangeKindEnum;

  @Pseudonymous({ namesCustomer: true })
  @Field(() => ID, { nullable: true })
  mergedInto!: string | null;

  @Pseudonymous()
  @Field()
  at!: Date;
}
