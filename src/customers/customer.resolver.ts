import type { GraphQLResolveInfo } from 'graphql';
import { requireKnownType } from '../identity/known-identifier-type';
import { Arg, Ctx, FieldResolver, ID, Info, Int, Query, Resolver, Root } from 'type-graphql';
import { Pseudonymous } from '../kernel/classification';
import { IdentifierTypeScalar, type IdentifierType } from '../kernel/identifier-type';
import { consentConflicts } from '../consent/consent-conflicts';
import { statementsInForce } from '../kernel/statements-in-force';
import { ConsentConflict } from '../consent/consent.type';
import { ConsentRecord, toConsentRecord } from '../consent/consent-record.type';
import type { PrincipalContext } from '../auth/principal';
import type { IdentifierNormalizer } from '../identity/identifier-normalizer';
import type { CustomerLoaders, LoadersContext } from './customer.loaders';
import type { CustomerRepository } from './customer.repository';
import { decodeCursor, pageSize, toConnection, type Connection } from '../shared/connection';
import { BadUserInputError } from '../shared/errors';
import { admit, admitted, admittedId } from '../policy/purpose-policy';
import { CustomerFilter } from './customer-filter.input';
import { profileSelectionFor } from './profile-selection';
import { toAttributeLineage, toCustomer, toCustomerDevice, toIdentityConflict, toLinkedIdentifier, toMergeRecord, toSourceRecord } from './customer.mapper';
import {
  AttributeLineage,
  Customer,
  CustomerConnection,
  CustomerDevice,
  IdentityConflict,
  LinkedIdentifier,
  MergeRecord,
  SourceRecordType,
} from './customer.type';

/** What customer reads take from the context: who asks (purpose-bound tokens see fewer), and the loaders. */
type CustomerRequest = PrincipalContext & LoadersContext;

/** The profile a root field read with the customer (what its selection asked for), or else the whole one. */
const profileOf = async (loaders: CustomerLoaders, customer: Customer) =>
  customer.profile ?? (await (customer.profileSelection ? loaders.selectedProfile(customer.profileSelection) : loaders.profile).load(customer.id));

/** Every statement, by purpose, the one in force first (the query sorts them by the consent rules). */
const consentStatements = async (loaders: CustomerLoaders, customer: Customer) =>
  ((await profileOf(loaders, customer))?.consents ?? []).map(toConsentRecord);

@Resolver(() => Customer)
export class CustomerResolver {
  constructor(
    private readonly repository: CustomerRepository,
    private readonly normalizer: IdentifierNormalizer,
  ) {}

  @Pseudonymous()
  @Query(() => Customer, { nullable: true, description: 'A customer by id; an absorbed id returns its survivor.' })
  async customer(
    @Arg('id', () => ID) id: string,
    @Ctx() { loaders, principal }: CustomerRequest,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Customer | null> {
    const profile = await loaders.selectedProfile(profileSelectionFor(info, principal)).load(id);
    if (!profile) return null;
    return admit(principal, profile, { ...toCustomer(profile.customer, id), profile });
  }

  @Pseudonymous()
  @Query(() => CustomerConnection, { description: 'Customers in creation order, a page at a time.' })
  async customers(
    @Ctx() { principal }: PrincipalContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('filter', () => CustomerFilter, { nullable: true }) filter?: CustomerFilter | null,
  ): Promise<Connection<Customer>> {
    const size = pageSize(first);
    if (filter?.hasIdentifierType) requireKnownType(this.normalizer.types, filter.hasIdentifierType, 'filter.hasIdentifierType');
    const rows = await this.repository.page({
      limit: size + 1,
      after: decodeCursor(after, 1)?.[0] ?? null,
      status: filter?.status ?? 'ACTIVE',
      updatedSince: filter?.updatedSince ?? null,
      country: filter?.country ?? null,
      identifierType: filter?.hasIdentifierType ?? null,
      purpose: principal.purpose,
    });
    // The page has the customers' properties; their relations are read for all of them at once, as selected.
    const profileSelection = { ...profileSelectionFor(info, principal, ['edges', 'node']), customer: ['id'] };
    return toConnection(
      // The page query admitted them: it reads only customers who consent to the principal's purpose.
      rows.map((row) => admitted(principal, { ...toCustomer(row, row.id), profileSelection })),
      size,
      (customer) => [customer.id],
    );
  }

  @Pseudonymous()
  @Query(() => Customer, {
    nullable: true,
    description:
      'A customer by any identifier; the value is normalised first. Needs pii:read: without it identifiers are shown masked, and a lookup would confirm a guessed value (FORBIDDEN, reason LOOKUP_BY_MASKED_VALUE).',
  })
  async customerByIdentifier(
    @Arg('type', () => IdentifierTypeScalar) type: IdentifierType,
    @Arg('value') value: string,
    @Ctx() { loaders, principal }: CustomerRequest,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Customer | null> {
    requireKnownType(this.normalizer.types, type, 'type');
    const normalized = this.normalizer.normalize(type, value);
    if (!normalized.ok) {
      throw new BadUserInputError(`value is not a usable ${type} (${normalized.dropped.reason.toLowerCase()})`, {
        argument: 'value',
        reason: normalized.dropped.reason,
      });
    }
    const profile = await loaders.profileByIdentifierKey(profileSelectionFor(info, principal)).load(normalized.identifier.key);
    if (!profile) return null;
    return admit(principal, profile, { ...toCustomer(profile.customer, profile.customer.id), profile });
  }

  @Pseudonymous()
  @FieldResolver(() => [LinkedIdentifier], { description: 'Identifiers that resolve to this customer, each with why.' })
  async identifiers(@Root() customer: Customer, @Ctx() { loaders }: LoadersContext): Promise<LinkedIdentifier[]> {
    return ((await profileOf(loaders, customer))?.identifiers ?? []).map((row) => toLinkedIdentifier(row, customer.id));
  }

  @Pseudonymous()
  @FieldResolver(() => [CustomerDevice])
  async devices(@Root() customer: Customer, @Ctx() { loaders }: LoadersContext): Promise<CustomerDevice[]> {
    return ((await profileOf(loaders, customer))?.devices ?? []).map((device) => toCustomerDevice(device, customer.id));
  }

  @Pseudonymous()
  @FieldResolver(() => [ConsentRecord], {
    description: 'The statement in force per purpose: the newest by occurredAt (on a tie the more restrictive), across merged profiles.',
  })
  async consents(@Root() customer: Customer, @Ctx() { loaders }: LoadersContext): Promise<ConsentRecord[]> {
    return statementsInForce(await consentStatements(loaders, customer));
  }

  @Pseudonymous()
  @FieldResolver(() => [ConsentRecord], { description: 'Every consent statement, newest first per purpose.' })
  async consentHistory(@Root() customer: Customer, @Ctx() { loaders }: LoadersContext): Promise<ConsentRecord[]> {
    return consentStatements(loaders, customer);
  }

  @Pseudonymous()
  @FieldResolver(() => [ConsentConflict], { description: 'Purposes on which the profiles merged into this customer disagree.' })
  async consentConflicts(@Root() customer: Customer, @Ctx() { loaders }: LoadersContext): Promise<ConsentConflict[]> {
    return consentConflicts(await consentStatements(loaders, customer));
  }

  @Pseudonymous()
  @FieldResolver(() => [AttributeLineage], { description: 'For each golden attribute: which source and when.' })
  async attributeLineage(@Root() customer: Customer, @Ctx() { loaders }: LoadersContext): Promise<AttributeLineage[]> {
    return toAttributeLineage(await loaders.attributeLineage.load(customer.id), customer.id);
  }

  @Pseudonymous()
  @FieldResolver(() => [SourceRecordType])
  async sourceRecords(@Root() customer: Customer, @Ctx() { loaders }: LoadersContext): Promise<SourceRecordType[]> {
    return (await loaders.sourceRecords.load(customer.id)).map(({ record }) => toSourceRecord(record, customer.id));
  }

  @Pseudonymous()
  @FieldResolver(() => [MergeRecord], { description: 'Every merge this customer or a profile merged into it took part in.' })
  async mergeHistory(@Root() customer: Customer, @Ctx() { loaders }: LoadersContext): Promise<MergeRecord[]> {
    return (await loaders.mergeHistory.load(customer.id)).map(({ merge }) => toMergeRecord(merge, customer.id));
  }

  @Pseudonymous()
  @FieldResolver(() => [IdentityConflict], { description: 'Identifiers merge protection refused, on either side.' })
  async conflicts(@Root() customer: Customer, @Ctx() context: CustomerRequest): Promise<IdentityConflict[]> {
    const conflicts = (await context.loaders.conflicts.load(customer.id)).map(({ conflict }) => toIdentityConflict(conflict));
    if (context.principal.purpose === null) return conflicts;
    // A refusal involves another customer: its id, and an identifier value that may be theirs. A purpose-bound
    // token sees the refusals between customers who both consent to its purpose, no other.
    const sides = await Promise.all(
      conflicts.map(async (c) => (await admittedId(context, c.customerId)) !== null && (c.otherCustomerId === null || (await admittedId(context, c.otherCustomerId)) !== null)),
    );
    return conflicts.filter((_, i) => sides[i]);
  }
}
