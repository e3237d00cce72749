import { Arg, Ctx, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { Pseudonymous, Public } from '../kernel/classification';
import type { ConsentChange } from '../kernel/consent-change';
import { toConsentRecord } from './consent-record.type';
import type { PrincipalContext } from '../auth/principal';
import { ConsentStatusEnum } from '../kernel/consent-status';
import { hearsConsentChange } from '../policy/purpose-policy';
import { ConsentChangeEvent, SetConsentPayload } from './consent.type';
import type { ConsentPurposes } from '../kernel/consent-purposes';
import type { ConsentService } from './consent.service';

@Resolver()
export class ConsentResolver {
  constructor(
    private readonly purposes: ConsentPurposes,
    private readonly consent: ConsentService,
  ) {}

  @Public()
  @Query(() => [String], { description: 'The purposes consent can be given for (CONSENT_PURPOSES).' })
  consentPurposes(): readonly string[] {
    return this.purposes.list;
  }

  @Pseudonymous()
  @Mutation(() => SetConsentPayload, {
    description:
      'Records what a person said about a purpose. The newest statement by occurredAt is in force, so a late older one is kept in the history without changing it. Retrying the same statement changes nothing.',
  })
  async setConsent(
    @Arg('customerId', () => ID, { description: 'An absorbed id applies to its survivor.' }) customerId: string,
    @Arg('purpose', { description: 'One of consentPurposes.' }) purpose: string,
    @Arg('status', () => ConsentStatusEnum) status: ConsentStatusEnum,
    @Arg('source', { description: 'Where the person said it, e.g. preference-center.' }) source: string,
    @Arg('occurredAt', { description: 'When the person said it; at most a day ahead of the server clock.' }) occurredAt: Date,
    @Ctx() { principal }: PrincipalContext,
  ): Promise<SetConsentPayload> {
    const result = await this.consent.setConsent({ customerId, purpose, status, source, occurredAt, recordedBy: principal.subject });
    return {
      ...result,
      statement: toConsentRecord(result.statement),
      current: toConsentRecord(result.current),
    };
  }

  @Pseudonymous()
  @Subscription(() => ConsentChangeEvent, {
    description: 'Changes of the consent in force for one customer (by setConsent, ingestion or a merge), after they committed.',
    topics: 'CUSTOMER_CONSENT_CHANGED',
    topicId: ({ args }) => (args as { customerId: string }).customerId,
    // A token bound to a purpose hears its own purpose only: a customer granting it, or withdrawing a grant (what it
    // must not miss). Other changes are not its business, and would tell it about people who never consented.
    filter: ({ payload, context }) => hearsConsentChange((context as PrincipalContext).principal, payload as ConsentChange),
  })
  consentChanged(@Arg('customerId', () => ID) _customerId: string, @Root() change: ConsentChange): ConsentChangeEvent {
    return { ...change, occurredAt: new Date(change.occurredAt) } as ConsentChangeEvent;
  }
}
