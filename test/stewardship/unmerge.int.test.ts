import { identify } from '../support/events';
import { ingestEvents } from '../support/ingest';
import { as, gql, gqlErrors, startTestApp, unique, type TestApp } from '../support/test-app';

const STEWARD = as('steward', { subject: 'steward-ole' });
const UNMERGE = `mutation($id: ID!, $reason: String!) { unmergeCustomer(mergeId: $id, reason: $reason) { id kind customerIds customerId } }`;
const PROFILE = `query($id: ID!) {
  customer(id: $id) {
    id status firstName lastName city
    identifiers { type value }
    mergeHistory { id causeKind survivorId undoneBy absorbed { customerId } }
  }
}`;

type Event = Parameters<typeof identify>[0];

describe('unmergeCustomer', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const send = async (events: Event[]) => (await ingestEvents(app, events.map((e) => identify(e)))).results;

  /** What a person is, with the test's own prefix taken out of every value so two runs of one stream compare. */
  async function shape(id: string, prefix: string) {
    const { customer } = await gql(app, PROFILE, { id });
    const strip = (v: string | null) => v && v.split(prefix).join('~');
    return {
      firstName: strip(customer.firstName),
      lastName: strip(customer.lastName),
      city: strip(customer.city),
      identifiers: customer.identifiers.map((i: { type: string; value: string }) => `${i.type}:${strip(i.value)}`).sort(),
    };
  }

  /**
   * Two people, a bridging event that merges them, and events for each after the merge; `p` prefixes every value,
   * so the same stream can run twice side by side.
   */
  const stream = (p: string) => ({
    a: { anonymousId: `${p}-anon-a`, traits: { email: `${p}-a@example.com`, firstName: `${p}Ada` } },
    b: { anonymousId: `${p}-anon-b`, traits: { email: `${p}-b@example.com`, firstName: `${p}Bo` } },
    // b's visitor gives a's email: one person by the identifiers, the merge a steward will undo.
    bridge: { anonymousId: `${p}-anon-b`, traits: { email: `${p}-a@example.com` } },
    after: [
      { anonymousId: `${p}-anon-b`, traits: { lastName: `${p}Berg` } },
      { anonymousId: `${p}-anon-a`, traits: { address: { city: `${p}Kiel` } } },
      { anonymousId: `${p}-anon-c`, traits: { email: `${p}-b@example.com`, address: { city: `${p}Ulm` } } },
    ],
  });

  it('gives the profiles back what they would hold had the merge never happened, and keeps them apart', async () => {
    const u = unique();
    const s = stream(u);
    const [a] = await send([s.a]);
    const [b] = await send([s.b]);
    const [bridge] = await send([s.bridge]);
    expect(bridge).toMatchObject({ outcome: 'MERGED', customerId: a.customerId });
    for (const e of s.after) await send([e]);
    const merged = (await gql(app, PROFILE, { id: b.customerId })).customer;
    expect(merged.id).toBe(a.customerId);
    const merge = merged.mergeHistory.find((m: { absorbed: { customerId: string }[] }) => m.absorbed.some((x) => x.customerId === b.customerId));

    expect((await gqlErrors(app, UNMERGE, { id: merge.id, reason: 'r' }, as('analyst'))).errors[0].extensions?.code).toBe('FORBIDDEN');
    const { unmergeCustomer } = await gql(app, UNMERGE, { id: merge.id, reason: 'TICKET-12: two people behind one browser' }, STEWARD);
    expect(unmergeCustomer).toMatchObject({ kind: 'UNMERGE', customerIds: [a.customerId, b.customerId], customerId: a.customerId });

    // The same stream, the two kept apart before the bridge from the start.
    const v = unique();
    const t = stream(v);
    const [a2] = await send([t.a]);
    const [b2] = await send([t.b]);
    await gql(app, `mutation($ids: [ID!]!) { keepCustomersApart(ids: $ids, reason: "reference") { id } }`, { ids: [a2.customerId, b2.customerId] }, STEWARD);
    await send([t.bridge]);
    for (const e of t.after) await send([e]);

    expect(await shape(a.customerId, u)).toEqual(await shape(a2.customerId, v));
    expect(await shape(b.customerId, u)).toEqual(await shape(b2.customerId, v));
    const bAfter = (await gql(app, PROFILE, { id: b.customerId })).customer;
    expect(bAfter).toMatchObject({ id: b.customerId, status: 'ACTIVE', firstName: `${u}Bo`, lastName: `${u}Berg`, city: `${u}Ulm` });
    // The history keeps the merge, marked with the decision that undid it.
    expect(bAfter.mergeHistory).toEqual([expect.objectContaining({ id: merge.id, undoneBy: unmergeCustomer.id })]);

    // Nothing joins them again, and the log rebuilds both as stored.
    const [again] = await send([{ anonymousId: `${u}-anon-a`, traits: { email: `${u}-b@example.com` } }]);
    expect(again.conflicts).toEqual([expect.objectContaining({ reason: 'KEPT_APART' })]);
    expect((await gql(app, PROFILE, { id: a.customerId })).customer.id).toBe(a.customerId);
    for (const id of [a.customerId, b.customerId]) {
      const { rebuildCustomer } = await gql(app, `query($id: ID!) { rebuildCustomer(id: $id) { identical } }`, { id });
      expect(rebuildCustomer.identical).toBe(true);
    }
    const twice = await gqlErrors(app, UNMERGE, { id: merge.id, reason: 'again' }, STEWARD);
    expect(twice.errors[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_UNDONE' });
    expect((await gqlErrors(app, UNMERGE, { id: `${u}-none`, reason: 'r' }, STEWARD)).errors[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('undoes a steward merge: items after it land as they would have without it', async () => {
    const u = unique();
    const [x] = await send([{ anonymousId: `${u}-x`, traits: { firstName: 'Xaver' } }]);
    const [y] = await send([{ anonymousId: `${u}-y`, traits: { firstName: 'Yara' } }]);
    const { mergeCustomers } = await gql(app, `mutation($ids: [ID!]!) { mergeCustomers(ids: $ids, reason: "TICKET-13") { id customerId } }`, { ids: [x.customerId, y.customerId] }, STEWARD);
    await send([{ anonymousId: `${u}-y`, traits: { email: `${u}-y@example.com` } }]);
    const { customer } = await gql(app, PROFILE, { id: x.customerId });
    expect(customer.identifiers).toHaveLength(3);
    const [merge] = customer.mergeHistory;
    expect(merge.causeKind).toBe('DECISION');

    await gql(app, UNMERGE, { id: merge.id, reason: 'TICKET-14: wrong merge' }, STEWARD);
    expect(await shape(x.customerId, u)).toEqual({ firstName: 'Xaver', lastName: null, city: null, identifiers: ['ANONYMOUS_ID:~-x'] });
    expect(await shape(y.customerId, u)).toEqual({ firstName: 'Yara', lastName: null, city: null, identifiers: ['ANONYMOUS_ID:~-y', 'EMAIL:~-y@example.com'] });
    expect(mergeCustomers.customerId).toBe(x.customerId);
    // Kept apart now: the steward's merge is refused the second time.
    const refused = await gqlErrors(app, `mutation($ids: [ID!]!) { mergeCustomers(ids: $ids, reason: "again") { id } }`, { ids: [x.customerId, y.customerId] }, STEWARD);
    expect(refused.errors[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'KEPT_APART' });
  });
});
