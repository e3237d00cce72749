import type { ConsentChange } from '../../src/kernel/consent-change';
import { EventTap } from '../support/event-tap';
import { gql, gqlErrors, startTestApp, unique, type TestApp } from '../support/test-app';

const SET_CONSENT = /* GraphQL */ `
  mutation Set($customerId: ID!, $purpose: String!, $status: ConsentStatus!, $source: String!, $occurredAt: DateTimeISO!) {
    setConsent(customerId: $customerId, purpose: $purpose, status: $status, source: $source, occurredAt: $occurredAt) {
      customerId duplicate
      statement { purpose status source occurredAt profileId }
      current { purpose status source occurredAt profileId }
    }
  }
`;
const CONSENTS = /* GraphQL */ `
  query Consents($id: ID!) {
    customer(id: $id) {
      id
      consents { purpose status source occurredAt profileId }
      consentHistory { purpose status source occurredAt profileId }
      consentConflicts { purpose current { status profileId source } statements { status profileId source occurredAt } }
    }
  }
`;
const INGEST = /* GraphQL */ `
  mutation Ingest($events: [IdentityEventInput!]!) { ingestEvents(events: $events) { results { outcome customerId error { code } } } }
`;
const UPSERT = /* GraphQL */ `
  mutation Upsert($records: [SourceRecordInput!]!) { upsertSourceRecords(records: $records) { results { outcome customerId error { code } } } }
`;

describe('consent', () => {
  let app: TestApp;
  const taps: EventTap<ConsentChange>[] = [];
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await Promise.all(taps.map((tap) => tap.stop()));
    await app.close();
  });

  const set = async (vars: Record<string, unknown>) => (await gql(app, SET_CONSENT, { source: 'preference-center', ...vars })).setConsent;
  const consents = async (id: string) => (await gql(app, CONSENTS, { id })).customer;
  const ingest = async (events: Record<string, unknown>[]) => (await gql(app, INGEST, { events })).ingestEvents.results;
  const newCustomer = async (u: string) => (await ingest([{ messageId: `${u}-new`, type: 'IDENTIFY', userId: `${u}-user` }]))[0].customerId as string;
  /** Consent changes of one customer, heard in-process from the moment of the call. */
  const tapOf = (customerId: string) => {
    const tap = new EventTap<ConsentChange>(app.pubSub.subscribe('CUSTOMER_CONSENT_CHANGED', customerId));
    taps.push(tap);
    return tap;
  };

  it('keeps the newest statement by occurredAt in force; a late older one joins the history only', async () => {
    const customerId = await newCustomer(unique());
    const tap = tapOf(customerId);

    const granted = await set({ customerId, purpose: 'marketing_email', status: 'GRANTED', occurredAt: '2026-03-01T00:00:00Z' });
    expect(granted).toMatchObject({ customerId, duplicate: false, current: { status: 'GRANTED', profileId: customerId } });
    expect(await tap.next()).toEqual({
      customerId, purpose: 'marketing_email', status: 'GRANTED', previousStatus: null,
      occurredAt: '2026-03-01T00:00:00.000Z', source: 'preference-center',
    });

    const late = await set({ customerId, purpose: 'Marketing Email', status: 'WITHDRAWN', occurredAt: '2026-01-01T00:00:00Z', source: 'CRM' });
    expect(late.statement).toMatchObject({ purpose: 'marketing_email', status: 'WITHDRAWN', source: 'crm' });
    expect(late.current).toMatchObject({ status: 'GRANTED', occurredAt: '2026-03-01T00:00:00.000Z' });

    await set({ customerId, purpose: 'marketing_email', status: 'DENIED', occurredAt: '2026-04-01T00:00:00Z' });
    // The late statement published nothing: the next event is this one.
    expect(await tap.next()).toMatchObject({ status: 'DENIED', previousStatus: 'GRANTED', occurredAt: '2026-04-01T00:00:00.000Z' });

    const customer = await consents(customerId);
    expect(customer.consents).toEqual([
      { purpose: 'marketing_email', status: 'DENIED', source: 'preference-center', occurredAt: '2026-04-01T00:00:00.000Z', profileId: customerId },
    ]);
    expect(customer.consentHistory.map((s: { status: string }) => s.status)).toEqual(['DENIED', 'GRANTED', 'WITHDRAWN']);
  });

  it('on a tie of occurredAt, the more restrictive status is in force, whatever arrived first', async () => {
    const customerId = await newCustomer(unique());
    const at = '2026-02-02T10:00:00Z';
    await set({ customerId, purpose: 'analytics', status: 'DENIED', occurredAt: at });
    const tied = await set({ customerId, purpose: 'analytics', status: 'GRANTED', occurredAt: at, source: 'web' });
    expect(tied.current).toMatchObject({ status: 'DENIED' });
    await set({ customerId, purpose: 'personalization', status: 'GRANTED', occurredAt: at });
    const withdrawn = await set({ customerId, purpose: 'personalization', status: 'WITHDRAWN', occurredAt: at, source: 'web' });
    expect(withdrawn.current).toMatchObject({ status: 'WITHDRAWN' });

    const current = Object.fromEntries((await consents(customerId)).consents.map((c: { purpose: string; status: string }) => [c.purpose, c.status]));
    expect(current).toEqual({ analytics: 'DENIED', personalization: 'WITHDRAWN' });
  });

  it('records a retried statement once', async () => {
    const customerId = await newCustomer(unique());
    const statement = { customerId, purpose: 'marketing_sms', status: 'GRANTED', occurredAt: '2026-02-01T00:00:00Z' };
    const first = await set(statement);
    const retry = await set(statement);
    expect(first.duplicate).toBe(false);
    expect(retry).toMatchObject({ duplicate: true, statement: first.statement, current: first.current });
    expect((await consents(customerId)).consentHistory).toHaveLength(1);
  });

  it('refuses an unknown purpose or status, an unknown customer and a far-future time, writing nothing', async () => {
    const customerId = await newCustomer(unique());
    const valid = { customerId, purpose: 'analytics', status: 'GRANTED', source: 'web', occurredAt: '2026-01-01T00:00:00Z' };
    const codeOf = async (vars: Record<string, unknown>) => (await gqlErrors(app, SET_CONSENT, vars)).errors.map((e) => e.extensions?.code);

    expect(await codeOf({ ...valid, purpose: 'telepathy' })).toEqual(['BAD_USER_INPUT']);
    expect(await codeOf({ ...valid, status: 'MAYBE' })).toEqual(['BAD_USER_INPUT']);
    expect(await codeOf({ ...valid, occurredAt: '2026-01-01T00:00:00' })).toEqual(['BAD_USER_INPUT']);
    expect(await codeOf({ ...valid, occurredAt: new Date(Date.now() + 2 * 24 * 3600 * 1000).toISOString() })).toEqual(['BAD_USER_INPUT']);
    expect(await codeOf({ ...valid, source: '  ' })).toEqual(['BAD_USER_INPUT']);
    expect(await codeOf({ ...valid, source: 'web\u0000' })).toEqual(['BAD_USER_INPUT']);
    expect(await codeOf({ ...valid, source: 'web\udc00' })).toEqual(['BAD_USER_INPUT']);
    expect(await codeOf({ ...valid, customerId: `${customerId}-nobody` })).toEqual(['NOT_FOUND']);
    expect((await consents(customerId)).consentHistory).toEqual([]);
  });

  it('lists the configured purposes', async () => {
    const { consentPurposes } = await gql(app, '{ consentPurposes }');
    expect(consentPurposes).toEqual(['analytics', 'personalization', 'marketing_email', 'marketing_sms', 'data_sale']);
  });

  it('rejects an event or record with an unknown purpose alone, as a dead letter', async () => {
    const u = unique();
    const [event] = await ingest([
      { messageId: `${u}-1`, type: 'IDENTIFY', userId: `${u}-u`, context: { consent: { categoryPreferences: { Advertising: true } } } },
    ]);
    expect(event).toMatchObject({ outcome: 'REJECTED', customerId: null, error: { code: 'UNKNOWN_CONSENT_PURPOSE' } });
    const { upsertSourceRecords } = await gql(app, UPSERT, {
      records: [
        { source: 'crm', externalId: `${u}-r`, updatedAt: '2026-01-01T00:00:00Z', identifiers: [{ type: 'CRM_ID', value: `${u}-r` }],
          consents: [{ purpose: 'telepathy', status: 'GRANTED' }] },
      ],
    });
    expect(upsertSourceRecords.results[0]).toMatchObject({ outcome: 'REJECTED', error: { code: 'UNKNOWN_CONSENT_PURPOSE' } });
    const { customerByIdentifier } = await gql(app, `query($v: String!) { customerByIdentifier(type: USER_ID, value: $v) { id } }`, { v: `${u}-u` });
    expect(customerByIdentifier).toBeNull();
  });

  it('applies a statement for an absorbed id to its survivor, and across a merge follows the newest statement, with provenance and the conflict visible', async () => {
    const u = unique();
    // The older profile (the survivor) says no to marketing email early; the newer one says yes later.
    const [older] = await ingest([
      { messageId: `${u}-1`, type: 'IDENTIFY', userId: `${u}-user`, source: 'web', timestamp: '2026-01-01T00:00:00Z',
        context: { consent: { categoryPreferences: { marketing_email: false, analytics: true } } } },
    ]);
    const [newer] = await ingest([
      { messageId: `${u}-2`, type: 'PAGE', anonymousId: `${u}-anon`, source: 'mobile', timestamp: '2026-02-01T00:00:00Z',
        context: { consent: { categoryPreferences: { marketing_email: true, analytics: true } } } },
    ]);
    const survivor = older.customerId;
    const tap = tapOf(survivor);

    const [merge] = await ingest([
      { messageId: `${u}-3`, type: 'IDENTIFY', userId: `${u}-user`, anonymousId: `${u}-anon`, timestamp: '2026-02-02T00:00:00Z' },
    ]);
    expect(merge).toMatchObject({ outcome: 'MERGED', customerId: survivor });
    expect(await tap.next()).toEqual({
      customerId: survivor, purpose: 'marketing_email', status: 'GRANTED', previousStatus: 'DENIED',
      occurredAt: '2026-02-01T00:00:00.000Z', source: 'mobile',
    });

    const customer = await consents(newer.customerId);
    expect(customer.id).toBe(survivor);
    const current = Object.fromEntries(customer.consents.map((c: { purpose: string }) => [c.purpose, c]));
    expect(current.marketing_email).toMatchObject({ status: 'GRANTED', source: 'mobile', profileId: newer.customerId });
    expect(current.analytics).toMatchObject({ status: 'GRANTED' });
    expect(customer.consentHistory.map((s: { purpose: string; status: string; profileId: string; source: string }) => [s.purpose, s.status, s.profileId, s.source])).toEqual([
      ['analytics', 'GRANTED', newer.customerId, 'mobile'],
      ['analytics', 'GRANTED', survivor, 'web'],
      ['marketing_email', 'GRANTED', newer.customerId, 'mobile'],
      ['marketing_email', 'DENIED', survivor, 'web'],
    ]);
    // The profiles agreed on analytics; on marketing email they disagree, and that stays visible.
    expect(customer.consentConflicts).toEqual([
      {
        purpose: 'marketing_email',
        current: { status: 'GRANTED', profileId: newer.customerId, source: 'mobile' },
        statements: [
          { status: 'GRANTED', profileId: newer.customerId, source: 'mobile', occurredAt: '2026-02-01T00:00:00.000Z' },
          { status: 'DENIED', profileId: survivor, source: 'web', occurredAt: '2026-01-01T00:00:00.000Z' },
        ],
      },
    ]);

    // Through the absorbed id, a statement lands on the survivor.
    const viaAbsorbed = await set({ customerId: newer.customerId, purpose: 'marketing_email', status: 'WITHDRAWN', occurredAt: '2026-03-01T00:00:00Z' });
    expect(viaAbsorbed).toMatchObject({ customerId: survivor, statement: { profileId: survivor }, current: { status: 'WITHDRAWN' } });
    expect(await tap.next()).toMatchObject({ customerId: survivor, status: 'WITHDRAWN', previousStatus: 'GRANTED' });
  });
});
