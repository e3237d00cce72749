import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Pseudonymous } from '../kernel/classification';
import type { AppContext } from '../server/context';
import { CustomerDataExport } from './customer-export.type';
import { toErasureRequestType } from './erasure-request.mapper';
import { ErasureRequestType } from './erasure-request.type';

@Resolver()
export class PrivacyResolver {
  @Pseudonymous()
  @Query(() => CustomerDataExport, {
    description: 'Right of access: everything held about the person with this id (an absorbed id exports its survivor).',
  })
  async exportCustomerData(@Arg('id', () => ID) id: string, @Ctx() { services, piiReads }: AppContext): Promise<CustomerDataExport> {
    // The PII the document carries is audited as an export, not as an ordinary query.
    piiReads.readFor('EXPORT');
    return services.exports.export(id);
  }

  @Pseudonymous()
  @Mutation(() => ErasureRequestType, {
    description:
      'Right to erasure: records the request and returns at once (RECEIVED); the erasure runs in the background. ' +
      'Asking again for the same person returns the same request; a FAILED one is retried.',
  })
  async eraseCustomer(
    @Arg('id', () => ID) id: string,
    @Arg('reason', { description: 'Why, e.g. a ticket reference; kept with the erasure record, so no personal data.' }) reason: string,
    @Ctx() { services }: AppContext,
  ): Promise<ErasureRequestType> {
    return toErasureRequestType(await services.erasure.request(id, reason));
  }

  @Pseudonymous()
  @Query(() => ErasureRequestType, { nullable: true, description: 'An erasure request, to follow its status.' })
  async erasureRequest(@Arg('id', () => ID) id: string, @Ctx() { services }: AppContext): Promise<ErasureRequestType | null> {
    const row = await services.erasure.byId(id);
    return row ? toErasureRequestType(row) : null;
  }
}
