import type { MembershipChange } from '../../src/kernel/membership-change';
import type { Tx } from '../../src/infra/neo4j/database';
import { identify, page, track } from '../support/events';
import { ingestEvents } from '../support/ingest';
import { as, gql, gqlErrors, startTestApp, unique, type TestApp } from '../support/test-app';

const CREATE = /* GraphQL */ `
  mutation Create($name: String!, $definition: JSON!) {
    createSegment(name: $name, definition: $definition) { id version status reads }
  }
`;
const UPDATE = /* GraphQL */ `
  mutation Update($id: ID!, $definition: JSON) { updateSegment(id: $id, definition: $definition) { id version status } }
`;
const SEGMENT = /* GraphQL */ `
  query Segment($id: ID!) {
    segment(id: $id) { id name version status size evaluated totalCustomers members(first: 100) { edges { node { id } } } }
  }
`;
const CUSTOMER_SEGMENTS = /* GraphQL */ `
  query CustomerSegments($id: ID!) { customer(id: $id) { id segments { since segment { id name } } } }
`;
const SET_CONSENT = /* GraphQL */ `
  mutation Set($customerId: ID!, $purpose: String!, $status: ConsentStatus!, $occurredAt: DateTimeISO!) {
    setConsent(customerId: $customerId, purpose: $purpose, status: $status, source: "preference-center", occurredAt: $occurredAt) { customerId }
  }
`;

const DAY = 86_400_000;

/** The feed delivers to listeners from Redis, a moment after the append: wait for an expectation to hold (5 s at most). */
async function eventually(check: () => void): Promise<void> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    try {
      return check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

describe('segments', () => {
  let app: TestApp;
  let now = Date.parse('2026-06-01T12:00:00Z');
  const heard: MembershipChange[] = [];
  let stopListening: () => void;

  beforeAll(async () => {
    app = await startTestApp({ clock: () => new Date(now) });
    // What the durable feed receives: the changes subscribers will be sent.
    stopListening = app.feed.listen((entry) => heard.push(entry));
  });
  afterAll(async () => {
    stopListening();
    await app.close();
  });

  const ingest = async (events: Record<string, unknown>[]) => (await ingestEvents(app, events)).results;
  const createSegment = async (definition: unknown) => {
    const { createSegment: segment } = await gql(app, CREATE, { name: unique('segment'), definition });
    await app.segments.population.drain();
    return segment as { id: string; version: number; status: string; reads: string[] };
  };
  const segment = async (id: string) => (await gql(app, SEGMENT, { id })).segment;
  const memberIds = async (id: string) => (await segment(id)).members.edges.map((e: { node: { id: string } }) => e.node.id).sort();
  const heardFor = (segmentId: string) => heard.filter((c) => c.segmentId === segmentId).map(({ customerId, change }) => ({ customerId, change }));
  const at = (offsetMs: number) => new Date(now + offsetMs).toISOString();

  it('evaluates a new segment over every customer, then keeps it up to date as customers change', async () => {
    const city = unique('City');
    const [before] = await ingest([identify({ traits: { city, email: `${unique()}@example.com` } })]);
    const [noEmail] = await ingest([identify({ traits: { city } })]);

    const created = await createSegment({ all: [{ attribute: 'city', eq: city }, { identifier: 'EMAIL' }] });
    expect(created).toMatchObject({ version: 1, status: 'EVALUATING', reads: ['attribute:city', 'identifier:EMAIL'] });
    expect(await segment(created.id)).toMatchObject({ status: 'READY', size: 1 });
    expect(await memberIds(created.id)).toEqual([before.customerId]);
    await eventually(() => expect(heardFor(created.id)).toEqual([{ customerId: before.customerId, change: 'ENTERED' }]));

    // The customer without an email gains one: it enters, in the ingest's own transaction.
    await ingest([identify({ userId: await userIdOf(noEmail.customerId), traits: { email: `${unique()}@example.com` } })]);
    expect(await memberIds(created.id)).toEqual([before.customerId, noEmail.customerId].sort());
    await eventually(() => expect(heardFor(created.id).at(-1)).toEqual({ customerId: noEmail.customerId, change: 'ENTERED' }));

    // Moving away: it exits.
    await ingest([identify({ userId: await userIdOf(before.customerId), traits: { city: unique('Elsewhere') } })]);
    expect(await memberIds(created.id)).toEqual([noEmail.customerId]);
    await eventually(() => expect(heardFor(created.id).at(-1)).toEqual({ customerId: before.customerId, change: 'EXITED' }));

    const { customer } = await gql(app, CUSTOMER_SEGMENTS, { id: noEmail.customerId });
    expect(customer.segments).toEqual([{ since: expect.any(String), segment: { id: created.id, name: expect.any(String) } }]);
  });

  const userIds = new Map<string, string>();
  async function userIdOf(customerId: string): Promise<string> {
    const [row] = await app.db.read<{ value: string }>(
      "MATCH (:Customer {id: $id})<-[:IDENTIFIES]-(i:Identifier {type: 'USER_ID'}) RETURN i.value AS value LIMIT 1",
      { id: customerId },
    );
    userIds.set(customerId, row.value);
    return row.value;
  }

  it('refuses a bad definition with the path to the offending node, and stores nothing', async () => {
    const bad = [
      [{ all: [{ attribute: 'city', eq: 'x' }, { attribute: 'shoeSize', eq: '42' }] }, 'definition.all[1].attribute'],
      [{ any: [{ event: 'Order Completed', count: { gte: 3 }, within: { weeks: 1 } }] }, 'definition.any[0].within.weeks'],
      [{ not: { consent: 'telepathy' } }, 'definition.not.consent'],
      [{ all: [] }, 'definition.all'],
      [{ segment: 'no-such-segment' }, 'definition.segment'],
      [{ attribute: 'city', eq: 'x', in: ['y'] }, 'definition'],
      [{ identifier: 'SHOE' }, 'definition.identifier'],
    ] as const;
    // Counted by the names tried: other test files create segments in the same database meanwhile.
    const names: string[] = [];
    for (const [definition, path] of bad) {
      names.push(unique());
      const errors = await gqlErrors(app, CREATE, { name: names.at(-1), definition });
      expect(errors.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', path });
    }
    const [{ count }] = await app.db.read<{ count: number }>('MATCH (s:Segment) WHERE s.name IN $names RETURN count(s) AS count', { names });
    expect(count).toBe(0);
  });

  it('refuses a definition nested too deep, and NUL characters or lone surrogates in a name or a definition, as bad input', async () => {
    let deep: unknown = { attribute: 'city', eq: 'x' };
    for (let i = 0; i < 6000; i += 1) deep = { not: deep };
    const names = [unique(), unique(), `${unique()}\ud800`];
    const tooDeep = await gqlErrors(app, CREATE, { name: names[0], definition: deep });
    expect(tooDeep.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'definition' });
    expect(tooDeep.errors[0].message).toMatch(/nests deeper than 40 levels/);
    const nul = await gqlErrors(app, CREATE, { name: names[1], definition: { all: [{ attribute: 'city', eq: 'Ber\u0000lin' }] } });
    expect(nul.errors[0]).toMatchObject({
      message: 'Invalid segment definition at definition.all[0].eq: contains a NUL character (U+0000)',
      extensions: { code: 'BAD_USER_INPUT', path: 'definition.all[0].eq' },
    });
    const name = await gqlErrors(app, CREATE, { name: names[2], definition: { attribute: 'city', eq: 'x' } });
    expect(name.errors[0]).toMatchObject({
      message: 'name contains a lone surrogate (U+D800): send well-formed UTF-16',
      extensions: { code: 'BAD_USER_INPUT', argument: 'name' },
    });
    const [{ stored }] = await app.db.read<{ stored: number }>('MATCH (s:Segment) WHERE s.name IN $names RETURN count(s) AS stored', { names });
    expect(stored).toBe(0);
  });

  it('refuses a cycle of segments', async () => {
    const a = await createSegment({ attribute: 'city', eq: unique() });
    const b = await createSegment({ segment: a.id });
    const errors = await gqlErrors(app, UPDATE, { id: a.id, definition: { not: { segment: b.id } } });
    expect(errors.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: 'definition.not.segment' });
    expect((await segment(a.id)).version).toBe(1);
  });

  it('counts TRACK events in a window and lets the customer go when the window passes (injected clock)', async () => {
    const event = unique('Order Completed ');
    const userId = unique('u');
    const seg = await createSegment({ event, count: { gte: 3 }, within: { days: 7 } });
    const trackAt = (offsetMs: number) => track({ event, userId, timestamp: at(offsetMs) });

    const [first] = await ingest([trackAt(-6 * DAY), trackAt(-2 * DAY)]);
    expect(await memberIds(seg.id)).toEqual([]);
    await ingest([trackAt(-1 * DAY)]);
    expect(await memberIds(seg.id)).toEqual([first.customerId]);

    // A day and a bit later the oldest event (6 days ago) is out of the window: 2 left, the customer leaves.
    now += DAY + 2 * 3_600_000;
    const changes = await app.segments.windows.runDue();
    expect(changes).toContainEqual(expect.objectContaining({ segmentId: seg.id, customerId: first.customerId, change: 'EXITED' }));
    expect(await memberIds(seg.id)).toEqual([]);
    await eventually(() => expect(heardFor(seg.id)).toEqual([
      { customerId: first.customerId, change: 'ENTERED' },
      { customerId: first.customerId, change: 'EXITED' },
    ]));
    // Each change of the customer raises its sequence, so a client can order them whatever order they arrive in.
    const [entered, exited] = heard.filter((c) => c.segmentId === seg.id);
    expect(exited.sequence).toBeGreaterThan(entered.sequence);
  });

  it('a customer not seen for 30 days enters an inactivity segment as time passes, and leaves on a new visit', async () => {
    const company = unique('Co');
    const userId = unique('u');
    const seg = await createSegment({ all: [{ attribute: 'company', eq: company }, { lastSeen: { before: { days: 30 } } }] });
    const [customer] = await ingest([page({ userId, traits: { company }, timestamp: at(-29 * DAY) })]);
    expect(await memberIds(seg.id)).toEqual([]);

    now += 2 * DAY;
    await app.segments.windows.runDue();
    expect(await memberIds(seg.id)).toEqual([customer.customerId]);

    await ingest([track({ event: 'Visited', userId, timestamp: at(0) })]);
    expect(await memberIds(seg.id)).toEqual([]);
    await eventually(() => expect(heardFor(seg.id)).toEqual([
      { customerId: customer.customerId, change: 'ENTERED' },
      { customerId: customer.customerId, change: 'EXITED' },
    ]));
  });

  it('compiles and runs every kind of rule and comparison', async () => {
    const definition = {
      any: [
        { attribute: 'city', eq: 'x' },
        { attribute: 'city', neq: 'x' },
        { attribute: 'city', in: ['x', 'y'] },
        { attribute: 'city', exists: false },
        { attribute: 'birthday', gt: '1990-01-01' },
        { attribute: 'birthday', gte: '1990-01-01' },
        { attribute: 'birthday', lt: '1990-01-01' },
        { attribute: 'birthday', lte: '1990-01-01' },
        { attribute: 'email', contains: 'example' },
        { attribute: 'lastName', startsWith: 'Sch' },
        { identifier: 'PHONE' },
        { consent: 'analytics', status: 'DENIED' },
        { event: 'Signed Up' },
        { event: 'Signed Up', count: { lt: 2 }, within: { hours: 12, minutes: 30 } },
        { event: 'Signed Up', count: { eq: 0 } },
        { lastSeen: { after: '2026-01-01T00:00:00Z' } },
        { lastSeen: { before: { days: 3 } }, event: 'Signed Up' },
        { not: { all: [{ identifier: 'EMAIL' }, { identifier: 'USER_ID' }] } },
      ],
    };
    const seg = await createSegment({ all: [{ attribute: 'postalCode', eq: unique() }, definition] });
    expect(await segment(seg.id)).toMatchObject({ status: 'READY', size: 0 });
    const postalCode = unique('p');
    const [customer] = await ingest([identify({ traits: { postalCode } })]);
    const other = await createSegment({ all: [{ attribute: 'postalCode', eq: postalCode }, definition] });
    expect(await memberIds(other.id)).toContain(customer.customerId);
  });

  it('pushes EXITED when consent for the purpose the segment requires is withdrawn', async () => {
    const city = unique('City');
    const [customer] = await ingest([
      identify({ traits: { city }, context: { consent: { categoryPreferences: { marketing_email: true } } } }),
    ]);
    const seg = await createSegment({ all: [{ attribute: 'city', eq: city }, { consent: 'marketing_email', status: 'GRANTED' }] });
    expect(await memberIds(seg.id)).toEqual([customer.customerId]);

    await gql(app, SET_CONSENT, { customerId: customer.customerId, purpose: 'marketing_email', status: 'WITHDRAWN', occurredAt: at(0) });
    expect(await memberIds(seg.id)).toEqual([]);
    await eventually(() => expect(heardFor(seg.id).at(-1)).toEqual({ customerId: customer.customerId, change: 'EXITED' }));
  });

  it('on a merge, recomputes the survivor and lets the absorbed id exit', async () => {
    const city = unique('City');
    const email = `${unique()}@example.com`;
    const [a] = await ingest([identify({ traits: { city } })]);
    const [b] = await ingest([identify({ anonymousId: unique('anon'), traits: { city, email } })]);
    const seg = await createSegment({ attribute: 'city', eq: city });
    expect(await memberIds(seg.id)).toEqual([a.customerId, b.customerId].sort());

    const [merged] = await ingest([identify({ userId: await userIdOf(a.customerId), traits: { email } })]);
    expect(merged.outcome).toBe('MERGED');
    const survivor = merged.customerId;
    const absorbed = survivor === a.customerId ? b.customerId : a.customerId;
    expect(await memberIds(seg.id)).toEqual([survivor]);
    await eventually(() => expect(heardFor(seg.id).at(-1)).toEqual({ customerId: absorbed, change: 'EXITED' }));
  });

  it('evaluates segments of one shape in one statement, numbering each customer\'s changes one after another', async () => {
    const [north, south] = [unique('North'), unique('South')];
    const inNorth = await createSegment({ attribute: 'city', eq: north });
    const inSouth = await createSegment({ attribute: 'city', eq: south });
    const [customer] = await ingest([identify({ traits: { city: north } })]);
    expect(await memberIds(inNorth.id)).toEqual([customer.customerId]);
    const [{ before }] = await app.db.read<{ before: number }>('MATCH (c:Customer {id: $id}) RETURN c.membershipSequence AS before', { id: customer.customerId });

    const statements: { query: string; segments: string[] }[] = [];
    const changes = await app.db.write(async (tx) => {
      const spy: Tx = {
        rows: (query, params) => {
          if (params && Array.isArray(params.segments)) statements.push({ query, segments: params.segments.map((row: { segmentId: string }) => row.segmentId) });
          return tx.rows(query, params);
        },
      };
      await tx.rows('MATCH (c:Customer {id: $id}) SET c.city = $city', { id: customer.customerId, city: south });
      return app.segments.evaluator.evaluateIn(spy, [{ customerId: customer.customerId, reads: new Set(['attribute:city']) }]);
    });
    const both = statements.filter((s) => s.segments.includes(inNorth.id) || s.segments.includes(inSouth.id));
    expect(both).toHaveLength(1);
    expect(both[0].segments).toEqual(expect.arrayContaining([inNorth.id, inSouth.id]));
    const mine = changes.filter((c) => c.customerId === customer.customerId);
    expect(mine.map(({ segmentId, change }) => ({ segmentId, change }))).toEqual(
      expect.arrayContaining([
        { segmentId: inNorth.id, change: 'EXITED' },
        { segmentId: inSouth.id, change: 'ENTERED' },
      ]),
    );
    expect(mine).toHaveLength(2);
    // The two follow the customer's earlier changes, each with a number of its own.
    expect(mine.map((c) => c.sequence).sort()).toEqual([before + 1, before + 2]);
    expect(await memberIds(inNorth.id)).toEqual([]);
    expect(await memberIds(inSouth.id)).toEqual([customer.customerId]);
  });

  it('evaluates only the segments whose dependency index names what changed, then those that read them', async () => {
    const event = unique('Viewed ');
    const reader = await createSegment({ event, count: { gte: 1 } });
    const attributeOnly = await createSegment({ attribute: 'company', eq: unique() });
    const nested = await createSegment({ all: [{ segment: reader.id }, { not: { attribute: 'company', eq: unique() } }] });
    const [customer] = await ingest([identify()]);

    const evaluated: string[] = [];
    const changes = await app.db.write((tx) => {
      const spy: Tx = {
        rows: (query, params) => {
          if (params && Array.isArray(params.segments)) evaluated.push(...params.segments.map((row: { segmentId: string }) => row.segmentId));
          return tx.rows(query, params);
        },
      };
      return app.segments.evaluator.evaluateIn(spy, [{ customerId: customer.customerId, reads: new Set([`event:${event}`]) }]);
    });
    expect(evaluated).toContain(reader.id);
    expect(evaluated).not.toContain(attributeOnly.id);
    // No behaviour stored yet, so the reader's membership did not change and the nested segment was not asked.
    expect(evaluated).not.toContain(nested.id);
    expect(changes).toEqual([]);

    await ingest([track({ event, userId: await userIdOf(customer.customerId), timestamp: at(0) })]);
    expect(await memberIds(reader.id)).toEqual([customer.customerId]);
    expect(await memberIds(nested.id)).toEqual([customer.customerId]);
  });

  it('re-evaluates everyone for a new version; deleting lets every member exit', async () => {
    const city = unique('City');
    const [x] = await ingest([identify({ traits: { city, company: 'Acme' } })]);
    const [y] = await ingest([identify({ traits: { city, company: 'Beta' } })]);
    const seg = await createSegment({ attribute: 'city', eq: city });
    expect(await memberIds(seg.id)).toEqual([x.customerId, y.customerId].sort());

    const updated = (await gql(app, UPDATE, { id: seg.id, definition: { all: [{ attribute: 'city', eq: city }, { attribute: 'company', in: ['Acme'] }] } })).updateSegment;
    expect(updated.version).toBe(2);
    await app.segments.population.drain();
    expect(await memberIds(seg.id)).toEqual([x.customerId]);
    await eventually(() => expect(heardFor(seg.id).at(-1)).toEqual({ customerId: y.customerId, change: 'EXITED' }));

    await gql(app, `mutation { deleteSegment(id: "${seg.id}") { id status } }`);
    await app.segments.population.drain();
    expect(await segment(seg.id)).toBeNull();
    await eventually(() => expect(heardFor(seg.id).at(-1)).toEqual({ customerId: x.customerId, change: 'EXITED' }));
  });

  it('shows memberships and behaviour facts in the export, and erasure ends the memberships (EXITED) and removes the facts', async () => {
    const event = unique('Bought ');
    const userId = unique('u');
    const seg = await createSegment({ event });
    const [customer] = await ingest([track({ event, userId, timestamp: at(0) })]);
    expect(await memberIds(seg.id)).toEqual([customer.customerId]);

    const EXPORT = `query Export($id: ID!) {
      exportCustomerData(id: $id) { segmentMemberships { segmentId segmentName } behaviour { event total buckets { count } } }
    }`;
    const doc = (await gql(app, EXPORT, { id: customer.customerId })).exportCustomerData;
    expect(doc.segmentMemberships).toEqual([{ segmentId: seg.id, segmentName: expect.any(String) }]);
    expect(doc.behaviour).toEqual([{ event, total: 1, buckets: [{ count: 1 }] }]);

    const ERASE = `mutation Erase($id: ID!) { eraseCustomer(id: $id, reason: "ticket DSR-9") { id } }`;
    const { eraseCustomer } = await gql(app, ERASE, { id: customer.customerId });
    await app.services.erasure.settled(eraseCustomer.id);
    const REQUEST = `query R($id: ID!) { erasureRequest(id: $id) { status removed { segmentMemberships behaviour } } }`;
    expect((await gql(app, REQUEST, { id: eraseCustomer.id })).erasureRequest).toEqual({ status: 'COMPLETED', removed: { segmentMemberships: 1, behaviour: 1 } });
    await eventually(() => expect(heardFor(seg.id).at(-1)).toEqual({ customerId: customer.customerId, change: 'EXITED' }));
    const [{ left }] = await app.db.read<{ left: number }>('MATCH (b:Behaviour {event: $event}) RETURN count(b) AS left', { event });
    expect(left).toBe(0);
  });

  it('changes committed but never appended (the process stopped in between) reach the feed through the outbox relay', async () => {
    const owed: MembershipChange = { segmentId: unique('segment'), customerId: unique('customer'), change: 'ENTERED', at: at(0), sequence: 7 };
    // What a transaction that decides a change does; then no append, as if the process died right after commit.
    await app.db.write((tx) => app.changes.oweMemberships(tx, [owed]));
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(heardFor(owed.segmentId)).toEqual([]);

    expect(await app.changes.relayOwedMemberships(1)).toBeGreaterThanOrEqual(1);
    await eventually(() => expect(heard.filter((c) => c.segmentId === owed.segmentId)).toEqual([expect.objectContaining(owed)]));
    const [{ left }] = await app.db.read<{ left: number }>('MATCH (o:FeedOutbox) WHERE o.changes CONTAINS $id RETURN count(o) AS left', { id: owed.segmentId });
    expect(left).toBe(0);
  });

  it('leaves nothing owed once changes are appended', async () => {
    const city = unique('City');
    await ingest([identify({ traits: { city } })]);
    const seg = await createSegment({ attribute: 'city', eq: city });
    await eventually(() => expect(heardFor(seg.id)).toHaveLength(1));
    // The outbox removes appended entries in batches, once a second.
    const owed = async () => (await app.db.read<{ left: number }>('MATCH (o:FeedOutbox) WHERE o.changes CONTAINS $id RETURN count(o) AS left', { id: seg.id }))[0].left;
    const deadline = Date.now() + 5_000;
    while ((await owed()) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await owed()).toBe(0);
  });

  it('times its evaluation lease by the database clock: an instance whose clock is months behind keeps its run', async () => {
    // This app's clock lies months behind the real one, another instance's does not. Judged by the instances'
    // clocks, the run's heartbeat would look long lapsed to the other, which would take the run over.
    const other = await startTestApp();
    let reached!: () => void;
    let release!: () => void;
    const inBatch = new Promise<void>((resolve) => (reached = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    const evaluate = app.segments.evaluator.evaluateSegmentIn.bind(app.segments.evaluator);
    const gate = jest.spyOn(app.segments.evaluator, 'evaluateSegmentIn').mockImplementation(async (tx, segmentId, ids) => {
      reached();
      await released;
      return evaluate(tx, segmentId, ids);
    });
    const resumed = jest.spyOn(other.segments.population, 'start');
    try {
      const { createSegment: seg } = await gql(app, CREATE, { name: unique('segment'), definition: { attribute: 'city', eq: unique() } });
      await inBatch; // this app has claimed the run and is in its first batch
      await other.segments.population.resumePending();
      expect(resumed.mock.calls.map(([id]) => id)).not.toContain(seg.id);
      release();
      await app.segments.population.drain();
      expect((await segment(seg.id)).status).toBe('READY');
    } finally {
      release();
      gate.mockRestore();
      await other.close();
    }
  });

  it('needs segments:write to define and segments:read to read', async () => {
    const errors = await gqlErrors(app, CREATE, { name: unique(), definition: { identifier: 'EMAIL' } }, as('analyst'));
    expect(errors.errors[0].extensions?.code).toBe('FORBIDDEN');
    const seg = await createSegment({ attribute: 'city', eq: unique() });
    expect((await gql(app, SEGMENT, { id: seg.id }, as('analyst'))).segment.id).toBe(seg.id);
    // Narrow definitions only: the database is shared with every other test file.
    const asMarketer = await gql(app, CREATE, { name: unique(), definition: { attribute: 'city', eq: unique() } }, as('marketer'));
    expect(asMarketer.createSegment.version).toBe(1);
  });
});
