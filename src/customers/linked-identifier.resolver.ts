import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Pseudonymous } from '../kernel/classification';
import { identifierKey, type IdentifierType } from '../kernel/identifier-type';
import type { LoadersContext } from './customer.loaders';
import { toLinkExplanation } from './customer.mapper';
import { LinkedIdentifier, LinkExplanation } from './customer.type';

@Resolver(() => LinkedIdentifier)
export class LinkedIdentifierResolver {
  @Pseudonymous()
  @FieldResolver(() => LinkExplanation, { description: 'Why this identifier belongs to the customer.' })
  async why(@Root() identifier: LinkedIdentifier, @Ctx() { loaders }: LoadersContext): Promise<LinkExplanation> {
    const link = await loaders.identifierLink.load(identifierKey(identifier.type as IdentifierType, identifier.value));
    if (!link) throw new Error(`identifier ${identifier.type} has no link`);
    return toLinkExplanation(link, identifier.customerId);
  }
}
