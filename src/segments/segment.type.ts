import { GraphQLJSON } from 'graphql-scalars';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Customer } from '../customers/customer.type';
import { Aggregated, Pii, Pseudonymous, Public } from '../kernel/classification';
import { ConnectionType } from '../shared/connection';

export enum SegmentStatusEnum {
  EVALUATING = 'EVALUATING',
  READY = 'READY',
  DELETING = 'DELETING',
}
registerEnumType(SegmentStatusEnum, {
  name: 'SegmentStatus',
  description: 'Whole-population evaluation of the current version. Changes to customers are evaluated incrementally in every status.',
  valuesConfig: {
    EVALUATING: { description: 'The current version is being evaluated over every customer (see evaluated / totalCustomers).' },
    READY: { description: 'Every customer has been evaluated against the current version.' },
    DELETING: { description: 'Deleted: members are leaving (each an EXITED change).' },
  },
});

@ObjectType({ description: 'A segment: a rule over golden attributes, identifiers, consent, behaviour and other segments.' })
export class Segment {
  @Public()
  @Field(() => ID)
  id!: string;

  @Public()
  @Field()
  name!: string;

  @Public()
  @Field(() => String, { nullable: true })
  description!: string | null;

  @Pii('ruleLiterals')
  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'The rule tree (see the README: Segments). Its literals are classified like the attributes they compare: masked alike.',
  })
  definition!: unknown;

  @Public()
  @Field(() => Int, { description: 'Raised by every change of the definition.' })
  version!: number;

  @Public()
  @Field(() => [String], { description: 'Its dependency index: the facts it reads (attribute:city, consent:marketing, event:Order Completed, ...).' })
  reads!: string[];

  @Public()
  @Field(() => SegmentStatusEnum)
  status!: SegmentStatusEnum;

  @Aggregated()
  @Field(() => Int, { description: 'Customers evaluated so far by the whole-population run of this version.' })
  evaluated!: number;

  @Aggregated()
  @Field(() => Int, { description: 'Customers the whole-population run found when it started.' })
  totalCustomers!: number;

  @Public()
  @Field()
  createdAt!: Date;

  @Public()
  @Field()
  updatedAt!: Date;

  /** Not in the schema: members now (shown as `size` / `sizeBelow`, which depend on the reader). */
  memberCount!: number;
}

@ObjectType({ description: 'A segment the customer belongs to.' })
export class CustomerSegment {
  @Pseudonymous()
  @Field(() => Segment)
  segment!: Segment;

  @Pseudonymous()
  @Field({ description: 'When the customer entered it.' })
  since!: Date;
}

export const SegmentConnection = ConnectionType(Segment, 'Segment');
export const SegmentMemberConnection = ConnectionType(Customer, 'SegmentMember');
