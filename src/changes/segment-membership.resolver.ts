import { Arg, Ctx, FieldResolver, ID, Resolver, Root, Subscription } from 'type-graphql';
import { toCustomer } from '../customers/customer.mapper';
import { Customer } from '../customers/customer.type';
import { Pseudonymous } from '../policy/classification';
import { admits, admitted, admittedId, mayHaveSeen } from '../policy/purpose-policy';
import type { FeedEntry } from '../segments/membership-change';
import type { AppContext } from '../server/context';
import { BadUserInputError } from '../shared/errors';
import { openMembershipStream } from './membership-stream';
import { SegmentMembershipChange } from './segment-membership-change.type';

/**
 * A token bound to a purpose hears a customer enter a segment only while the customer consents to that purpose,
 * and leave it when the customer ever granted the purpose (the app may hold it and must drop it): a customer that
 * never consented stays unknown to it. Each event starts with fresh loaders. A class, not closures: one lives as
 * long as each idle subscription.
 */
class AdmittedOnly implements AsyncIterableIterator<FeedEntry> {
  constructor(
    private readonly context: AppContext,
    private readonly source: AsyncIterableIterator<FeedEntry>,
  ) {}

  async next(): Promise<IteratorResult<FeedEntry>> {
    for (;;) {
      const result = await this.source.next();
      if (result.done) return result;
      this.context.renewLoaders();
      if (this.context.principal.purpose === null) return result;
      const { change, customerId } = result.value;
      const heard = change === 'ENTERED' ? (await admittedId(this.context, customerId)) !== null : await mayHaveSeen(this.context, customerId);
      if (heard) return result;
    }
  }

  return(value?: unknown): Promise<IteratorResult<FeedEntry>> {
    return this.source.return!(value);
  }

  throw(error?: unknown): Promise<IteratorResult<FeedEntry>> {
    return this.source.throw!(error);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<FeedEntry> {
    return this;
  }
}

@Resolver(() => SegmentMembershipChange)
export class SegmentMembershipResolver {
  @Pseudonymous()
  @Subscription(() => SegmentMembershipChange, {
    description:
      'Customers entering and leaving these segments, from any instance, in feed order. With after (a cursor received before), every retained change after it comes first, then the live ones, none twice; a cursor older than the retained feed fails with CURSOR_EXPIRED.',
    subscribe: async ({ args, context }) => {
      const { segmentIds, after } = args as { segmentIds: string[]; after?: string | null };
      if (segmentIds.length === 0) throw new BadUserInputError('name at least one segment', { argument: 'segmentIds' });
      const app = context as AppContext;
      return new AdmittedOnly(app, await openMembershipStream(app.services.feed, segmentIds, after ?? null));
    },
  })
  segmentMembershipChanged(
    @Arg('segmentIds', () => [ID]) _segmentIds: string[],
    @Arg('after', () => String, { nullable: true, description: 'The cursor of the last change received.' }) _after: string | null,
    @Root() entry: FeedEntry,
  ): SegmentMembershipChange {
    return { ...entry, at: new Date(entry.at) } as SegmentMembershipChange;
  }

  @Pseudonymous()
  @FieldResolver(() => Customer, {
    nullable: true,
    description: 'The profile as it is now; null when it is gone, or when a purpose-bound token may not see it (an EXITED of a customer who withdrew consent).',
  })
  async customer(@Root() change: SegmentMembershipChange, @Ctx() { loaders, principal }: AppContext): Promise<Customer | null> {
    const profile = await loaders.profile.load(change.customerId);
    return profile && admits(principal, profile) ? admitted(principal, toCustomer(profile.customer, change.customerId)) : null;
  }
}
