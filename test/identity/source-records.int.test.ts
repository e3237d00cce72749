import { identify } from '../support/events';
import { ingestEvents, upsertSourceRecords } from '../support/ingest';
import type { RecordInput } from '../support/records';
import { sourceRecord } from '../support/records';
import { gql, startTestApp, unique, type TestApp } from '../support/test-app';

const PROFILE = /* GraphQL */ `
  query Profile($id: ID!) {
    customer(id: $id) {
      id firstName lastName phone city gender
      attributeLineage { attribute source cause observedAt }
      identifiers { type value }
      sourceRecords { source externalId updatedAt attributes }
      consents { purpose status source occurredAt }
      consentHistory { purpose status }
    }
  }
`;

describe('upsertSourceRecords and the golden record', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { SOURCE_PRIORITY: 'crm,support,web' } });
  });
  afterAll(() => app.close());

  const upsert = async (records: RecordInput[]) => (await upsertSourceRecords(app, records)).results;
  const profile = async (id: string) => (await gql(app, PROFILE, { id })).customer;

  it('picks each attribute by source priority, then recency, and tells where it came from', async () => {
    const u = unique();
    const [crm] = await upsert([
      {
        source: 'CRM',
        externalId: `${u}-1`,
        updatedAt: '2026-01-01T00:00:00Z',
        attributes: { first_name: 'Anna', lastName: 'Schmidt', email: `${u}@example.com`, address: { city: 'Berlin' } },
        identifiers: [{ type: 'CRM_ID', value: `${u}-1` }],
      },
    ]);
    expect(crm.outcome).toBe('CREATED');
    const {
      results: [web],
    } = await ingestEvents(app, [
      identify({
        messageId: `${u}-web`,
        userId: `${u}-user`,
        source: 'web',
        timestamp: '2026-05-01T00:00:00Z',
        traits: { email: `${u}@example.com`, firstName: 'Annie', gender: 'female', address: { city: 'Munich' } },
      }),
    ]);
    expect(web).toMatchObject({ outcome: 'LINKED', customerId: crm.customerId });

    const customer = await profile(crm.customerId);
    expect(customer).toMatchObject({ firstName: 'Anna', lastName: 'Schmidt', city: 'Berlin', gender: 'female' });
    const lineage = Object.fromEntries(customer.attributeLineage.map((l: { attribute: string }) => [l.attribute, l]));
    expect(lineage.firstName).toMatchObject({ source: 'crm', cause: `RECORD:crm:${u}-1`, observedAt: '2026-01-01T00:00:00.000Z' });
    expect(lineage.gender).toMatchObject({ source: 'web', cause: `${u}-web` });
  });

  it('resolves a new version of a record to the customer it described, ignores a late older one, and replays as DUPLICATE', async () => {
    const u = unique();
    const v1 = sourceRecord({ externalId: `${u}-9`, updatedAt: '2026-02-01T00:00:00Z', attributes: { phone: '+44 20 7946 0958', city: 'London' } });
    const v2 = { ...v1, updatedAt: '2026-03-01T00:00:00Z', attributes: { phone: '+44 20 7946 0999', city: 'Leeds' } };
    const v0 = { ...v1, updatedAt: '2026-01-01T00:00:00Z', attributes: { phone: '+44 20 7946 0958', city: 'York' } };
    const [first] = await upsert([v1]);
    const [second] = await upsert([v2]);
    expect(second).toMatchObject({ outcome: 'LINKED', customerId: first.customerId });
    const [late] = await upsert([v0]);
    expect(late).toMatchObject({ outcome: 'LINKED', customerId: first.customerId });
    const [again] = await upsert([v2]);
    expect(again).toMatchObject({ outcome: 'DUPLICATE', customerId: first.customerId });

    const customer = await profile(first.customerId);
    expect(customer).toMatchObject({ phone: '+442079460999', city: 'Leeds' });
    expect(customer.identifiers.map((i: { value: string }) => i.value).sort()).toEqual(['+442079460958', '+442079460999']);
    expect(customer.sourceRecords).toEqual([
      { source: 'crm', externalId: `${u}-9`, updatedAt: '2026-03-01T00:00:00.000Z', attributes: v2.attributes },
    ]);
  });

  it('keeps every consent statement; the newest by occurredAt is current, whatever arrived last', async () => {
    const u = unique();
    const [record] = await upsert([
      {
        source: 'crm',
        externalId: `${u}-c`,
        updatedAt: '2026-04-01T00:00:00Z',
        identifiers: [{ type: 'CRM_ID', value: `${u}-c` }],
        consents: [
          { purpose: 'marketing_email', status: 'WITHDRAWN', occurredAt: '2026-03-01T00:00:00Z' },
          { purpose: 'marketing_email', status: 'granted', occurredAt: '2026-01-01T00:00:00Z' },
        ],
      },
    ]);
    const customer = await profile(record.customerId);
    expect(customer.consents).toEqual([
      { purpose: 'marketing_email', status: 'WITHDRAWN', source: 'crm', occurredAt: '2026-03-01T00:00:00.000Z' },
    ]);
    expect(customer.consentHistory).toHaveLength(2);
  });

  it('rejects a record alone when it is malformed', async () => {
    const u = unique();
    const results = await upsert([
      sourceRecord({ externalId: `${u}-ok`, updatedAt: '2026-01-01T00:00:00Z', identifiers: [{ type: 'CRM_ID', value: `${u}-ok` }] }),
      sourceRecord({ externalId: `${u}-a`, updatedAt: '2026-01-01T00:00:00Z', identifiers: [{ type: 'SHOE_SIZE', value: '42' }] }),
      { source: 'crm', externalId: `${u}-b`, identifiers: [{ type: 'CRM_ID', value: `${u}-b` }] },
      sourceRecord({ externalId: `${u}-c`, updatedAt: '2026-01-01T00:00:00Z', attributes: { city: 'Paris' } }),
      sourceRecord({ externalId: `${u}-d`, updatedAt: '2026-01-01T00:00:00Z', identifiers: [{ type: 'CRM_ID', value: `${u}-d` }], consents: [{ purpose: 'x', status: 'MAYBE' }] }),
    ]);
    expect(results.map((r: { outcome: string; error: { code: string } | null }) => [r.outcome, r.error?.code ?? null])).toEqual([
      ['CREATED', null],
      ['REJECTED', 'INVALID_IDENTIFIER_TYPE'],
      ['REJECTED', 'MISSING_FIELD'],
      ['REJECTED', 'NO_IDENTIFIERS'],
      ['REJECTED', 'INVALID_FIELD'],
    ]);
  });

  it('keeps records apart whose source and id only join the same way (s + "eu:42", s:eu + "42")', async () => {
    const u = unique();
    const version = (updatedAt: string, crmId: string) => [
      { source: u, externalId: 'eu:42', updatedAt, identifiers: [{ type: 'CRM_ID', value: `${u}-a-${crmId}` }] },
      { source: `${u}:eu`, externalId: '42', updatedAt, identifiers: [{ type: 'CRM_ID', value: `${u}-b-${crmId}` }] },
    ];
    const [a, b] = await upsert(version('2026-01-01T00:00:00Z', '1'));
    expect([a.outcome, b.outcome]).toEqual(['CREATED', 'CREATED']);
    expect(b.customerId).not.toBe(a.customerId);

    // A newer version of each still finds its own customer: neither record can pull the other person in.
    const [a2, b2] = await upsert(version('2026-02-01T00:00:00Z', '2'));
    expect(a2).toMatchObject({ outcome: 'LINKED', customerId: a.customerId });
    expect(b2).toMatchObject({ outcome: 'LINKED', customerId: b.customerId });
    expect((await profile(a.customerId)).sourceRecords).toEqual([expect.objectContaining({ source: u, externalId: 'eu:42' })]);
    expect((await profile(b.customerId)).sourceRecords).toEqual([expect.objectContaining({ source: `${u}:eu`, externalId: '42' })]);
  });

  it('tells apart a rejected record with an id and one whose payload looks like that id, in the dead letters', async () => {
    const u = unique();
    const letters = upsert;
    // Two rejected records whose version keys would read the same if an updatedAt could hold the '@' that ends a key.
    const [first] = await letters([sourceRecord({ externalId: `${u}`, updatedAt: 'x@y', attributes: {} })]);
    const [second] = await letters([sourceRecord({ externalId: `${u}@x`, updatedAt: 'y', attributes: {} })]);
    expect([first.outcome, second.outcome]).toEqual(['REJECTED', 'REJECTED']);
    expect(second.deadLetterId).not.toBe(first.deadLetterId);
  });
});
