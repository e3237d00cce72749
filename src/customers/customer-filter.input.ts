import { Field, InputType } from 'type-graphql';
import { IdentifierTypeScalar, type IdentifierType } from '../kernel/identifier-type';
import { CustomerStatusEnum } from './customer.type';

@InputType({ description: 'Narrows customers(); every field is optional and they combine with AND.' })
export class CustomerFilter {
  @Field(() => CustomerStatusEnum, { nullable: true, description: 'Defaults to ACTIVE.' })
  status?: CustomerStatusEnum | null;

  @Field(() => Date, { nullable: true, description: 'Changed at or after this time.' })
  updatedSince?: Date | null;

  @Field(() => String, { nullable: true, description: 'Golden country, as stored (e.g. DE).' })
  country?: string | null;

  @Field(() => IdentifierTypeScalar, { nullable: true, description: 'Has at least one identifier of this type.' })
  hasIdentifierType?: IdentifierType | null;
}
