import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Pseudonymous } from '../kernel/classification';
import type { PiiReadsContext } from '../audit/audit-read';
import type { CustomerExportService } from './customer-export.service';
import { CustomerDataExport } from './customer-export.type';
import { toErasureRequestType } from './erasure-request.mapper';
import { ErasureRequestType } from './erasure-request.type';
import type { ErasureService } from './erasure.service';

@Resolver()
export class PrivacyResolver {
  constructor(
    private readonly exports: CustomerExportService,
    private readonly erasure: ErasureService,
  ) {}

  @Pseudonymous()
  @Query(() => CustomerDataExport, {
    description: 'Right of access: everything held about the person with this id (an absorbed id exports its survivor).',
  })
  async exportCustomerData(@Arg('id', () => ID) id: string, @Ctx() { piiReads }: PiiReadsContext): Promise<CustomerDataExport> {
    // The PII the document carries is audited as an export, not as an ordinary query.
    piiReads.readFor('EXPORT');
    return this.exports.export(id);
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
  ): Promise<ErasureRequestType> {
    return toErasureRequestType(await this.erasure.request(id, reason));
  }

  @Pseudonymous()
  @Query(() => ErasureRequestType, { nullable: true, description: 'An erasure request, to follow its status.' })
  async erasureRequest(@Arg('id', () => ID) id: string): Promise<ErasureRequestType | null> {
    const row = await this.erasure.byId(id);
    return row ? toErasureRequestType(row) : null;
  }
}
