import type { GraphQLResolveInfo } from 'graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { Arg, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Customer } from '../customers/customer.type';
import { toCustomer } from '../customers/customer.mapper';
import { Aggregated, Pseudonymous } from '../kernel/classification';
import { catalogOf } from '../policy/policy-catalog';
import { admits, admitted } from '../policy/purpose-policy';
import type { PrincipalContext } from '../auth/principal';
import type { LoadersContext } from '../customers/customer.loaders';
import { decodeCursor, encodeCursor, pageSize, toConnection, type Connection } from '../shared/connection';
import { segmentLoaders } from './segment.loaders';
import { toSegment } from './segment.mapper';
import type { SegmentDisclosure } from './segment-disclosure';
import type { SegmentRepository } from './segment.repository';
import type { SegmentService } from './segment.service';
import { CustomerSegment, Segment, SegmentConnection, SegmentMemberConnection } from './segment.type';

type SegmentRequest = PrincipalContext & LoadersContext;

@Resolver(() => Segment)
export class SegmentResolver {
  constructor(
    private readonly repository: SegmentRepository,
    private readonly service: SegmentService,
    private readonly disclosure: SegmentDisclosure,
  ) {}

  @Aggregated()
  @Query(() => SegmentConnection, { description: 'Segments by name.' })
  async segments(
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<Connection<Segment>> {
    const size = pageSize(first);
    const cursor = decodeCursor(after, 2);
    const rows = await this.repository.page(size + 1, cursor ? { name: cursor[0], id: cursor[1] } : null);
    return toConnection(rows.map(toSegment), size, (s) => [s.name, s.id]);
  }

  @Aggregated()
  @Query(() => Segment, { nullable: true })
  async segment(@Arg('id', () => ID) id: string, @Ctx() { loaders }: LoadersContext): Promise<Segment | null> {
    const row = await segmentLoaders(loaders, this.repository).segment.load(id);
    return row ? toSegment(row) : null;
  }

  @Aggregated()
  @Mutation(() => Segment, {
    description: 'Creates a segment and starts evaluating it over every customer in the background (status EVALUATING, then READY).',
  })
  async createSegment(
    @Arg('name') name: string,
    @Arg('definition', () => GraphQLJSON, { description: 'The rule tree; see the README: Segments.' }) definition: unknown,
    @Ctx() { principal }: PrincipalContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('description', () => String, { nullable: true }) description?: string | null,
  ): Promise<Segment> {
    const author = this.disclosure.author(principal, catalogOf(info.schema));
    return toSegment(await this.service.create({ name, description, definition }, author));
  }

  @Aggregated()
  @Mutation(() => Segment, { description: 'Renames or redefines a segment; a new definition is a new version, evaluated over every customer again.' })
  async updateSegment(
    @Arg('id', () => ID) id: string,
    @Ctx() { principal }: PrincipalContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('name', () => String, { nullable: true }) name?: string | null,
    @Arg('definition', () => GraphQLJSON, { nullable: true }) definition?: unknown,
    @Arg('description', () => String, { nullable: true }) description?: string | null,
  ): Promise<Segment> {
    const author = this.disclosure.author(principal, catalogOf(info.schema));
    return toSegment(await this.service.update(id, { name: name ?? undefined, description, definition }, author));
  }

  @Aggregated()
  @Mutation(() => Segment, { description: 'Deletes a segment: every member leaves it (EXITED). Refused while another segment reads it.' })
  async deleteSegment(@Arg('id', () => ID) id: string): Promise<Segment> {
    return toSegment(await this.service.delete(id));
  }

  @Aggregated()
  @FieldResolver(() => Int, {
    nullable: true,
    description: 'Members now; null, with sizeBelow set, when it is below the minimum group size and you may not read PII in clear or your token is bound to a purpose.',
  })
  size(@Root() segment: Segment, @Ctx() { principal }: PrincipalContext): number | null {
    return this.disclosure.size(principal, segment.memberCount).size;
  }

  @Aggregated()
  @FieldResolver(() => Int, {
    nullable: true,
    description: 'Set only when size is withheld: the segment has fewer members than this (SEGMENT_MIN_GROUP_SIZE), perhaps none.',
  })
  sizeBelow(@Root() segment: Segment, @Ctx() { principal }: PrincipalContext): number | null {
    return this.disclosure.size(principal, segment.memberCount).sizeBelow;
  }

  @Pseudonymous()
  @FieldResolver(() => SegmentMemberConnection, {
    nullable: true,
    description:
      'Members by customer id. FORBIDDEN (reason DECIDED_ON_MASKED_VALUES) when the segment is decided on attributes you may not read in clear.',
  })
  async members(
    @Root() segment: Segment,
    @Ctx() { loaders, principal }: SegmentRequest,
    @Info() info: GraphQLResolveInfo,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<Connection<Customer>> {
    const segments = segmentLoaders(loaders, this.repository);
    await this.disclosure.assertMayFollow(principal, catalogOf(info.schema), segment.id, (ids) => segments.segment.loadMany(ids));
    const size = pageSize(first);
    const rows = await this.repository.members(segment.id, size + 1, decodeCursor(after, 1)?.[0] ?? '', principal.purpose);
    const profiles = await loaders.profile.loadMany(rows.map((r) => r.customerId));
    // A purpose-bound token sees only members who consent to its purpose, as in the customers list: the query reads
    // only those (so no cursor names anyone else), and one whose consent was withdrawn since is left out here.
    const customers = rows.flatMap((row, i) => {
      const profile = profiles[i];
      if (!profile || profile instanceof Error || !admits(principal, profile)) return [];
      return [admitted(principal, { ...toCustomer(profile.customer, row.customerId), id: row.customerId })];
    });
    const connection = toConnection(customers, size, (c) => [c.id]);
    // The cursor follows the rows read, not the members shown, so hidden members never repeat or stop a page.
    const last = rows.slice(0, size).at(-1);
    return { ...connection, pageInfo: { hasNextPage: rows.length > size, endCursor: last ? encodeCursor([last.customerId]) : null } };
  }
}

@Resolver(() => Customer)
export class CustomerSegmentsResolver {
  constructor(
    private readonly repository: SegmentRepository,
    private readonly disclosure: SegmentDisclosure,
  ) {}

  @Pseudonymous()
  @FieldResolver(() => [CustomerSegment], {
    description: 'The segments the customer is a member of now; not those decided on attributes you may not read in clear.',
  })
  async segments(
    @Root() customer: Customer,
    @Ctx() { loaders, principal }: SegmentRequest,
    @Info() info: GraphQLResolveInfo,
  ): Promise<CustomerSegment[]> {
    const segments = segmentLoaders(loaders, this.repository);
    const load = (ids: string[]) => segments.segment.loadMany(ids);
    const catalog = catalogOf(info.schema);
    const memberships = await segments.ofCustomer.load(customer.id);
    const rows = await segments.segment.loadMany(memberships.map((m) => m.segmentId));
    const shown = await Promise.all(
      memberships.map(async (m, i) => {
        const row = rows[i];
        if (!row || row instanceof Error) return [];
        // Left out like a purpose token's non-consenting customers: the membership would tell what the masks hide.
        if ((await this.disclosure.hiddenFrom(principal, catalog, row.reads, load)).length > 0) return [];
        return [{ segment: toSegment(row), since: new Date(m.since) }];
      }),
    );
    return shown.flat();
  }
}
