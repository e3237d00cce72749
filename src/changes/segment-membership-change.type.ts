import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Pseudonymous, Public } from '../kernel/classification';

export enum SegmentMembershipChangeKindEnum {
  ENTERED = 'ENTERED',
  EXITED = 'EXITED',
}
registerEnumType(SegmentMembershipChangeKindEnum, { name: 'SegmentMembershipChangeKind' });

@ObjectType({ description: 'A customer entered or left a segment; the cursor orders it in the durable feed.' })
export class SegmentMembershipChange {
  @Pseudonymous()
  @Field(() => ID)
  segmentId!: string;

  @Pseudonymous()
  @Field(() => ID)
  customerId!: string;

  @Pseudonymous()
  @Field(() => SegmentMembershipChangeKindEnum)
  change!: SegmentMembershipChangeKindEnum;

  @Pseudonymous()
  @Field({ description: 'When the evaluation that decided it ran.' })
  at!: Date;

  @Public()
  @Field({ description: 'Opaque and ordered: subscribe again with after set to the last cursor received to miss nothing.' })
  cursor!: string;

  @Pseudonymous()
  @Field(() => Int, {
    description:
      "Raised with each membership change of this customer. Changes decided by concurrent writes can reach the feed out of order: of two changes of one customer and segment, the one with the higher sequence is the customer's current state.",
  })
  sequence!: number;
}
