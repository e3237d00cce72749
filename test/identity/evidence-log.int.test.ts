import fc from 'fast-check';
import { identify, page } from '../support/events';
import { ingestEvents, upsertSourceRecords } from '../support/ingest';
import { sourceRecord } from '../support/records';
import { as, gql, gqlErrors, startTestApp, unique, type TestApp } from '../support/test-app';

const REBUILD = `query($id: ID!, $rules: MatchRulesInput) {
  rebuildCustomer(id: $id, rules: $rules) {
    customerId profiles identical evidenceItems unloggedItems merges unmatchedStored
    customers { storedCustomerId identical landedOn identifiers { type count } sourceRecords }
  }
}`;

type Rebuild = {
  customerId: string;
  profiles: string[];
  identical: boolean;
  evidenceItems: number;
  unloggedItems: number;
  merges: number;
  unmatchedStored: string[];
  customers: { storedCustomerId: string | null; identical: boolean; landedOn: string[]; identifiers: { type: string; count: number }[]; sourceRecords: number }[];
};

/**
 * The evidence log, with merge protection on (the deployment's rules): every customer rebuilt from it is the
 * customer stored, other rules re-resolve a component without changing anything, and the log is the person's data.
 */
describe('evidence log', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const rebuild = async (id: string, rules?: unknown): Promise<Rebuild> => (await gql(app, REBUILD, { id, rules })).rebuildCustomer;
  const evidenceOf = (key: string) =>
    app.db.read<{ evidence: string | null }>('MATCH (n:Ingestion {key: $key}) RETURN n.evidence AS evidence', { key });

  it('rebuilds every customer exactly, whatever the stream did (links, merges, refusals, shared devices, records)', async () => {
    // Small pools, so that items collide: known people (USER_ID, limit 1), emails, cookies, devices, CRM records.
    const itemArb = fc.record({
      user: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined, freq: 1 }),
      anon: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined, freq: 1 }),
      email: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined, freq: 1 }),
      device: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined, freq: 1 }),
      name: fc.option(fc.constantFrom('Ada', 'Bea', 'Cy'), { nil: undefined, freq: 1 }),
      record: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined, freq: 1 }),
      minute: fc.integer({ min: 0, max: 59 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(itemArb, { minLength: 2, maxLength: 16 }), fc.integer({ min: 1, max: 5 }), fc.boolean(), async (items, size, concurrent) => {
        const u = unique('ev');
        const at = (minute: number) => `2026-03-01T10:${String(minute).padStart(2, '0')}:00.000Z`;
        const batches: (() => Promise<{ results: { customerId: string }[] }>)[] = [];
        for (let start = 0; start < items.length; start += size) {
          const slice = items.slice(start, start + size);
          const events = slice
            .filter((item) => item.record === undefined)
            .map((item) =>
              identify({
                ...(item.user !== undefined ? { userId: `${u}-user-${item.user}` } : {}),
                // An event needs a userId or an anonymousId; a known user often comes back with nothing new.
                ...(item.anon !== undefined || item.user === undefined ? { anonymousId: `${u}-anon-${item.anon ?? 'x' + start}` } : {}),
                traits: { ...(item.email !== undefined ? { email: `${u}-${item.email}@example.com` } : {}), ...(item.name ? { firstName: item.name } : {}) },
                ...(item.device !== undefined ? { context: { device: { id: `${u}-device-${item.device}` } } } : {}),
                timestamp: at(item.minute),
              }),
            );
          const records = slice
            .filter((item) => item.record !== undefined)
            .map((item) =>
              sourceRecord({
                externalId: `${u}-crm-${item.record}`,
                updatedAt: at(item.minute),
                attributes: { ...(item.name ? { firstName: item.name } : {}), ...(item.email !== undefined ? { email: `${u}-${item.email}@example.com` } : {}) },
              }),
            );
          batches.push(async () => {
            const [e, r] = await Promise.all([
              events.length > 0 ? ingestEvents(app, events) : { results: [] },
              records.length > 0 ? upsertSourceRecords(app, records) : { results: [] },
            ]);
            return { results: [...e.results, ...r.results] };
          });
        }
        const answers = concurrent ? await Promise.all(batches.map((b) => b())) : [];
        if (!concurrent) for (const batch of batches) answers.push(await batch());
        // A record that says nothing is refused (no customer): the rest must each rebuild.
        const ids = [...new Set(answers.flatMap((a) => a.results.flatMap((r) => (r.customerId ? [r.customerId] : []))))];
        for (const id of ids) {
          const result = await rebuild(id);
          expect({ id, ...result, customers: result.customers.filter((c) => !c.identical) }).toMatchObject({
            identical: true,
            unloggedItems: 0,
            unmatchedStored: [],
            customers: [],
          });
        }
      }),
      { numRuns: 15 },
    );
  });

  it('keeps no evidence for an item that changed nothing, and keeps what a changing one brought, normalised', async () => {
    const u = unique();
    const first = identify({ anonymousId: `${u}-cookie`, traits: { email: ` ${u.toUpperCase()}@Example.COM `, firstName: 'Ada' }, context: { device: { id: `${u}-phone` } } });
    const again = page({ anonymousId: `${u}-cookie` });
    // Both identifiers are the customer's already, but seen together they are what would join them again were it split.
    const together = page({ anonymousId: `${u}-cookie`, context: { device: { id: `${u}-phone` } } });
    await ingestEvents(app, [first]);
    await ingestEvents(app, [again]);
    await ingestEvents(app, [together]);
    expect(await evidenceOf(`EVENT:${again.messageId}`)).toEqual([{ evidence: null }]);
    expect(JSON.parse((await evidenceOf(`EVENT:${together.messageId}`))[0].evidence!)).toMatchObject({ ids: expect.arrayContaining([['ANONYMOUS_ID', `${u}-cookie`], ['DEVICE_ID', `${u}-phone`]]) });
    const [{ evidence }] = await evidenceOf(`EVENT:${first.messageId}`);
    expect(JSON.parse(evidence!)).toMatchObject({
      kind: 'EVENT',
      cause: first.messageId,
      ids: expect.arrayContaining([['EMAIL', `${u}@example.com`], ['ANONYMOUS_ID', `${u}-cookie`]]),
      obs: { firstName: 'Ada', email: `${u}@example.com` },
    });
  });

  it('keeps attribute facts that came on known identifiers: without them the profile would not rebuild', async () => {
    const u = unique();
    const { results } = await ingestEvents(app, [identify({ userId: `${u}-ada`, traits: { firstName: 'Ada' }, timestamp: '2026-03-01T10:00:00Z' })]);
    const later = identify({ userId: `${u}-ada`, traits: { firstName: 'Adah' }, timestamp: '2026-03-01T11:00:00Z' });
    await ingestEvents(app, [later]);
    expect((await evidenceOf(`EVENT:${later.messageId}`))[0].evidence).not.toBeNull();
    expect(await rebuild(results[0].customerId)).toMatchObject({ identical: true, evidenceItems: 2 });
  });

  it('re-resolves a component under other rules without changing it: a refused merge would have been made', async () => {
    const u = unique();
    const a = await ingestEvents(app, [identify({ userId: `${u}-a`, traits: { email: `${u}@example.com` } })]);
    const b = await ingestEvents(app, [identify({ userId: `${u}-b`, traits: { email: `${u}@example.com` } })]);
    const [anna, bob] = [a.results[0].customerId, b.results[0].customerId];
    expect(b.results[0].conflicts).toEqual([expect.objectContaining({ reason: 'MERGE_BLOCKED', identifierType: 'EMAIL' })]);

    const asStored = await rebuild(bob);
    expect(asStored).toMatchObject({ identical: true, evidenceItems: 2, merges: 0 });
    expect(asStored.profiles).toEqual([anna, bob].sort());

    const looser = await rebuild(bob, { limits: [{ type: 'USER_ID', limit: 2 }] });
    // Bob's identify now links to Anna's customer (through the email) instead of making a second one.
    expect(looser).toMatchObject({ identical: false, merges: 0, unmatchedStored: [anna, bob].sort() });
    expect(looser.customers).toEqual([
      expect.objectContaining({ storedCustomerId: null, identical: false, landedOn: [anna, bob].sort(), identifiers: [{ type: 'EMAIL', count: 1 }, { type: 'USER_ID', count: 2 }] }),
    ]);
    // A preview: the graph still holds two customers.
    expect((await rebuild(anna)).identical).toBe(true);
  });

  it('says a rebuild is not exact when the component holds items applied before the log started', async () => {
    const u = unique();
    const event = identify({ userId: `${u}-old` });
    const { results } = await ingestEvents(app, [event]);
    // As an item applied by a version without the log: no evidence, received before it started.
    await app.db.write((tx) =>
      tx.rows("MATCH (n:Ingestion {key: $key}) SET n.receivedAt = datetime('2001-01-01T00:00:00Z') REMOVE n.evidence", { key: `EVENT:${event.messageId}` }),
    );
    expect(await rebuild(results[0].customerId)).toMatchObject({ identical: false, unloggedItems: 1, evidenceItems: 0 });
  });

  it('is listed by the export and deleted by erasure', async () => {
    const u = unique();
    const event = identify({ userId: `${u}-eve`, traits: { email: `${u}@example.com`, lastName: 'Lovelace' }, context: { device: { id: `${u}-phone` } } });
    const record = sourceRecord({ externalId: `${u}-crm`, attributes: { email: `${u}@example.com`, city: 'Lyon' } });
    const { results } = await ingestEvents(app, [event]);
    await upsertSourceRecords(app, [record]);
    const EXPORT = `query($id: ID!) { exportCustomerData(id: $id) {
      evidence { profileId causeKind cause source identifiers { type value } attributes deviceId consents { purpose } }
    } }`;
    const { exportCustomerData } = await gql(app, EXPORT, { id: results[0].customerId });
    expect(exportCustomerData.evidence).toEqual([
      expect.objectContaining({
        profileId: results[0].customerId,
        causeKind: 'EVENT',
        cause: event.messageId,
        identifiers: expect.arrayContaining([{ type: 'USER_ID', value: `${u}-eve` }, { type: 'EMAIL', value: `${u}@example.com` }]),
        attributes: { email: `${u}@example.com`, lastName: 'Lovelace' },
        deviceId: `${u}-phone`,
      }),
      expect.objectContaining({ causeKind: 'RECORD', attributes: { email: `${u}@example.com`, city: 'Lyon' } }),
    ]);

    const { eraseCustomer } = await gql(app, `mutation($id: ID!) { eraseCustomer(id: $id, reason: "DSR") { id } }`, { id: results[0].customerId });
    await app.services.erasure.settled(eraseCustomer.id);
    const left = await app.db.read<{ n: number }>('MATCH (n:Ingestion) WHERE n.evidence CONTAINS $value RETURN count(n) AS n', { value: `${u}@example.com` });
    expect(left).toEqual([{ n: 0 }]);
  });

  it('refuses unknown customers, unknown types, bad limits, and readers without identity:review', async () => {
    const { results } = await ingestEvents(app, [identify()]);
    const id = results[0].customerId;
    expect((await gqlErrors(app, REBUILD, { id: 'no-such-customer' })).errors[0].extensions).toMatchObject({ code: 'NOT_FOUND' });
    expect((await gqlErrors(app, REBUILD, { id, rules: { limits: [{ type: 'SHOE_SIZE', limit: 2 }] } })).errors[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'UNKNOWN_IDENTIFIER_TYPE',
    });
    expect((await gqlErrors(app, REBUILD, { id, rules: { limits: [{ type: 'EMAIL', limit: 0 }] } })).errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect((await gqlErrors(app, REBUILD, { id }, as('analyst'))).errors[0].extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect((await gqlErrors(app, REBUILD, { id }, as('steward'))).errors).toEqual([]);
  });
});
