import { Field, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { Public } from '../kernel/classification';
import type { IdentifierTypes } from '../kernel/identifier-types';
import type { IdentityRules } from './identity-rules';

@ObjectType({ description: 'An identifier type of this deployment: built in, or configured (IDENTITY_TYPES), with the rules in force for it.' })
export class IdentifierTypeInfo {
  @Public()
  @Field({ description: 'What `IdentifierType` arguments and fields take and show.' })
  name!: string;

  @Public()
  @Field()
  description!: string;

  @Public()
  @Field()
  builtIn!: boolean;

  @Public()
  @Field({ description: 'Its values name a known person (as a USER_ID does), not a browser or a device: a device seen with two known people is shared.' })
  person!: boolean;

  @Public()
  @Field(() => Int, { nullable: true, description: 'Merge protection: most distinct values one customer may hold (IDENTITY_LIMITS); null: no limit.' })
  limit!: number | null;

  @Public()
  @Field(() => Int, { description: 'Place in the resolution order, from 1 (IDENTITY_PRIORITY).' })
  priority!: number;

  @Public()
  @Field({ description: 'What is done to a value before it is compared.' })
  normalization!: string;

  @Public()
  @Field(() => [String], { description: 'Where its values are read from in events and records; a record may also list any type in `identifiers`.' })
  sources!: string[];
}

@Resolver()
export class IdentifierTypesResolver {
  constructor(
    private readonly types: IdentifierTypes,
    private readonly rulesInForce: () => IdentityRules,
  ) {}

  @Public()
  @Query(() => [IdentifierTypeInfo], { description: 'The identifier types of this deployment, in resolution order, with their normalisation and limits.' })
  identifierTypes(): IdentifierTypeInfo[] {
    const rules = this.rulesInForce();
    const rank = (name: string) => rules.priority.indexOf(name);
    return this.types.list
      .map((type) => ({
        name: type.name,
        description: type.description,
        builtIn: type.builtIn,
        person: type.person,
        limit: rules.limits[type.name] !== undefined && rules.limits[type.name] < Number.MAX_SAFE_INTEGER ? rules.limits[type.name] : null,
        priority: rank(type.name) + 1,
        normalization: type.normalization,
        sources: [...type.sources],
      }))
      .sort((a, b) => a.priority - b.priority);
  }
}
