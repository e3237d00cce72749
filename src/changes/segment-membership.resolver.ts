import { Arg, Ctx, FieldResolver, ID, Resolver, Root, Subscription } from 'type-graphql';
import { toCustomer } from '../customers/customer.mapper';
import { Customer } from '../customers/customer.type';
import { Pseudonymous } from '../kernel/classification';
import { catalogOf, type PolicyCatalog } from '../policy/policy-catalog';
import { admits, admitted, admittedId, mayHaveSeen } from '../policy/purpose-policy';
import type { FeedEntry } from '../kernel/membership-change';
import type { PrincipalContext } from '../auth/principal';
import type { LoadersContext } from '../customers/customer.loaders';
import type { SegmentDisclosure } from '../segments/segment-disclosure';
import type { SegmentRepository } from '../segments/segment.repository';
import { resolverOf } from '../shared/resolver-container';
import { BadUserInputError, NotFoundError } from '../shared/errors';
import { DecidingAttributes } from './deciding-attributes';
import type { MembershipFeed } from './membership-feed';
import { openMembershipStream } from './membership-stream';
import { SegmentMembershipChange } from './segment-membership-change.type';

type FollowerContext = PrincipalContext & LoadersContext;

/** What following a segment's membership changes needs of the segments module. */
type Segments = { repository: SegmentRepository; disclosure: SegmentDisclosure };

/**
 * A token bound to a purpose hears a customer enter a segment only while the customer consents to that purpose,
 * and leave it when the customer ever granted the purpose (the app may hold it and must drop it): a customer that
 * never consented stays unknown to it. A segment redefined on values the principal sees masked goes silent for it.
 * Each event starts with fresh loaders. A class, not closures: one lives as long as each idle subscription.
 */
class AdmittedOnly implements AsyncIterableIterator<FeedEntry> {
  constructor(
    private readonly disclosure: SegmentDisclosure,
    private readonly deciding: DecidingAttributes,
    private readonly context: FollowerContext,
    private readonly source: AsyncIterableIterator<FeedEntry>,
    private readonly catalog: PolicyCatalog,
    /**
     * It reads every attribute as stored, so no segment can go silent for it: asked once, when it subscribed (a
     * connection's principal never changes, and the catalog is the schema's).
     */
    private readonly readsEveryAttribute: boolean,
  ) {}

  /** Chained rather than async: a subscription waits here for its next event, and a frame would wait with it. */
  next(): Promise<IteratorResult<FeedEntry>> {
    // The loaders of the event before are dropped before the next one comes.
    this.context.renewLoaders();
    // Nothing to decide for this principal: the source's own promise.
    if (this.readsEveryAttribute && this.context.principal.purpose === null) return this.source.next();
    return this.source.next().then((result) => (result.done ? result : this.hears(result.value).then((heard) => (heard ? result : this.next()))));
  }

  private async hears(entry: FeedEntry): Promise<boolean> {
    if (!this.readsEveryAttribute && !(await this.mayFollow(entry))) return false;
    if (this.context.principal.purpose === null) return true;
    return entry.change === 'ENTERED' ? (await admittedId(this.context, entry.customerId)) !== null : mayHaveSeen(this.context, entry.customerId);
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

  /** The segment's deciding attributes are read once per entry for all its subscribers; the verdict is this principal's. */
  private async mayFollow(entry: FeedEntry): Promise<boolean> {
    const deciding = await this.deciding.of(entry);
    return this.disclosure.hiddenAmong(this.context.principal, this.catalog, deciding).length === 0;
  }
}

@Resolver(() => SegmentMembershipChange)
export class SegmentMembershipResolver {
  private readonly deciding: DecidingAttributes;

  constructor(
    private readonly segments: Segments,
    private readonly feed: MembershipFeed,
  ) {
    this.deciding = new DecidingAttributes(segments.repository, feed);
  }

  /** The stream of one subscription: checks what it asks for, then yields the changes the principal may hear. */
  async follow(context: FollowerContext, segmentIds: string[], after: string | null, catalog: PolicyCatalog): Promise<AsyncIterableIterator<FeedEntry>> {
    const { repository, disclosure } = this.segments;
    // An unknown id would otherwise be a subscription that never hears anything: say so instead.
    const known = await repository.existing(segmentIds);
    const unknown = [...new Set(segmentIds)].filter((id) => !known.has(id));
    if (unknown.length > 0) throw new NotFoundError(`no segment with the id ${unknown.join(', ')}`, { argument: 'segmentIds', unknown });
    // Read here without the context's loaders, which an idle subscription would otherwise keep until its first event.
    const load = async (ids: string[]) => {
      const rows = await repository.readsByIds(ids);
      return ids.map((id) => rows.get(id) ?? null);
    };
    for (const segmentId of segmentIds) await disclosure.assertMayFollow(context.principal, catalog, segmentId, load);
    const stream = await openMembershipStream(this.feed, segmentIds, after);
    return new AdmittedOnly(disclosure, this.deciding, context, stream, catalog, disclosure.readsEveryAttribute(context.principal, catalog));
  }

  @Pseudonymous()
  @Subscription(() => SegmentMembershipChange, {
    description:
      'Customers entering and leaving these segments, from any instance, in feed order. With after (a cursor received before), every retained change after it comes first, then the live ones, none twice; a cursor older than the retained feed fails with CURSOR_EXPIRED; an id that names no segment fails with NOT_FOUND. A segment decided on attributes you may not read in clear is FORBIDDEN (reason DECIDED_ON_MASKED_VALUES), and one redefined so goes silent.',
    subscribe: async ({ args, context, info }) => {
      const { segmentIds, after } = args as { segmentIds: string[]; after?: string | null };
      if (segmentIds.length === 0) throw new BadUserInputError('name at least one segment', { argument: 'segmentIds' });
      // type-graphql calls `subscribe` without the resolver instance: it is found through the schema.
      const resolver = resolverOf(info.schema, SegmentMembershipResolver);
      return resolver.follow(context as FollowerContext, segmentIds, after ?? null, catalogOf(info.schema));
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
  async customer(@Root() change: SegmentMembershipChange, @Ctx() { loaders, principal }: FollowerContext): Promise<Customer | null> {
    const profile = await loaders.profile.load(change.customerId);
    return profile && admits(principal, profile) ? admitted(principal, toCustomer(profile.customer, change.customerId)) : null;
  }
}
