import { DEFAULT_PRIORITY, UNLIMITED } from '../../src/identity/identity-rules';
import { gql, startTestApp, unique, type TestApp } from '../support/test-app';

describe('concurrent batches touching the same identifiers', () => {
  let app: TestApp;
  beforeAll(async () => {
    // Merge protection off: eight anonymous ids on one person would otherwise hit the ANONYMOUS_ID limit.
    app = await startTestApp({ rules: { limits: UNLIMITED, priority: DEFAULT_PRIORITY } });
  });
  afterAll(() => app.close());

  it('create neither duplicate identifiers nor duplicate customers', async () => {
    const u = unique();
    // Eight writers race on one email and one anonymous id; each also brings an identifier of its own.
    const batches = Array.from({ length: 8 }, (_, i) => [
      { messageId: `${u}-${i}`, type: 'IDENTIFY', anonymousId: `${u}-anon-${i}`, traits: { email: `${u}@race.test` }, userId: `${u}-user` },
      { messageId: `${u}-${i}-b`, type: 'TRACK', event: 'Clicked', anonymousId: `${u}-shared-anon`, userId: `${u}-user` },
    ]);
    const results = await Promise.all(batches.map((batch) => app.services.ingestion.ingestEvents(batch)));
    const outcomes = results.flat().map((r) => r.outcome);
    expect(outcomes.filter((o) => o === 'CREATED').length).toBeGreaterThanOrEqual(1);
    expect(outcomes).not.toContain('REJECTED');

    const byEmail = await gql(app, `query($v: String!) { customerByIdentifier(type: EMAIL, value: $v) { id identifiers { type value } } }`, {
      v: `${u}@race.test`,
    });
    const customer = byEmail.customerByIdentifier;
    const values = customer.identifiers.map((i: { value: string }) => i.value).sort();
    expect(values).toEqual([`${u}@race.test`, `${u}-shared-anon`, `${u}-user`, ...batches.map((_, i) => `${u}-anon-${i}`)].sort());
    // Every result, whichever customer it created at the time, now resolves to that one survivor.
    const resolved = await Promise.all(
      results.flat().map(async (r) => (await gql(app, `query($id: ID!) { customer(id: $id) { id } }`, { id: r.customerId })).customer.id),
    );
    expect(new Set(resolved)).toEqual(new Set([customer.id]));
  });
});

describe('concurrent versions of a record seen for the first time', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('end as one record describing one customer', async () => {
    const u = unique();
    const versions = Array.from({ length: 5 }, (_, i) => ({
      source: 'crm',
      externalId: `${u}-rec`,
      updatedAt: `2026-01-0${i + 1}T00:00:00Z`,
      identifiers: [{ type: 'EMAIL', value: `${u}-v${i}@rec.test` }],
      attributes: { city: `City${i}` },
    }));
    const results = await Promise.all(versions.map((v) => app.services.ingestion.upsertSourceRecords([v])));
    expect(results.flat().map((r) => r.error)).toEqual(versions.map(() => null));

    const owners = await Promise.all(
      versions.map(async (_, i) =>
        (await gql(app, `query($v: String!) { customerByIdentifier(type: EMAIL, value: $v) { id sourceRecords { externalId attributes } city } }`, {
          v: `${u}-v${i}@rec.test`,
        })).customerByIdentifier,
      ),
    );
    expect(new Set(owners.map((o) => o.id)).size).toBe(1);
    expect(owners[0].sourceRecords).toEqual([{ externalId: `${u}-rec`, attributes: { city: 'City4' } }]);
    expect(owners[0].city).toBe('City4');
  });
});
