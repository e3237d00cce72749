import type { Client } from 'graphql-ws';
import { entriesOfBlock, type StoredBlock } from '../../src/audit/audit-block';
import { principalOf } from '../../src/auth/principal';
import { CypherRegistry } from '../../src/infra/neo4j/cypher-registry';
import type { MembershipChange } from '../../src/kernel/membership-change';
import { subscribe } from '../support/subscriber';
import { as, gql, gqlErrors, startTestApp, tokenFor, unique, type TestApp } from '../support/test-app';
import { wsClient } from '../support/transports';

const CREATE = `mutation($name: String!, $definition: JSON!) { createSegment(name: $name, definition: $definition) { id version } }`;
const UPDATE = `mutation($id: ID!, $definition: JSON) { updateSegment(id: $id, definition: $definition) { id version } }`;
const DEFINITION = `query($id: ID!) { segment(id: $id) { definition } }`;
const SIZE = `query($id: ID!) { segment(id: $id) { size sizeBelow } }`;
const MEMBERS = `query($id: ID!) { segment(id: $id) { id members(first: 50) { edges { node { id } } } } }`;
const CUSTOMER_SEGMENTS = `query($id: ID!) { customer(id: $id) { segments { segment { id } } } }`;
const CHANGES = `subscription($segmentIds: [ID!]!, $after: String) { segmentMembershipChanged(segmentIds: $segmentIds, after: $after) { segmentId customerId change } }`;

/**
 * Segments must not tell a reader more than the profiles would: no rule on what its author sees masked, literals
 * masked like the attribute they test, no small counts, and no membership decided on values the reader sees masked.
 */
describe('segments and masked values', () => {
  let app: TestApp;
  let url: string;
  const clients: Client[] = [];
  const company = unique('Co');
  const email = `${unique('jane')}@example.com`;
  let customerId: string;
  // May define and read segments, and nothing about customers.
  const SEGMENTS_ONLY = principalOf({ subject: 'segments-only', roles: [], extraScopes: ['segments:read', 'segments:write'] });

  beforeAll(async () => {
    app = await startTestApp();
    url = await app.listen('127.0.0.1', 0);
    const [customer] = await app.services.ingestion.ingestEvents([
      { messageId: unique(), type: 'IDENTIFY', userId: unique('u'), traits: { email, company, birthday: '1990-05-17', city: 'Berlin' } },
    ]);
    customerId = customer.customerId!;
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await app.close();
  });

  const create = async (definition: unknown, role: Parameters<typeof as>[0] = 'admin') => {
    const { createSegment } = await gql(app, CREATE, { name: unique('segment'), definition }, as(role));
    await app.segments.population.drain();
    return createSegment.id as string;
  };
  const segmentsNamed = async (name: string) =>
    (await app.db.read<{ n: number }>('MATCH (s:Segment {name: $name}) RETURN count(s) AS n', { name }))[0].n;

  it('refuses a rule on an attribute its author sees masked, with FORBIDDEN and the path, and stores nothing', async () => {
    const birthdays = await create({ all: [{ attribute: 'company', eq: company }, { attribute: 'birthday', gte: '1990-01-01' }] });
    const refused = [
      [{ attribute: 'email', eq: email }, 'definition.attribute'],
      [{ all: [{ attribute: 'company', eq: company }, { attribute: 'birthday', gte: '1990-05-17' }] }, 'definition.all[1].attribute'],
      [{ not: { attribute: 'phone', exists: true } }, 'definition.not.attribute'],
      [{ any: [{ attribute: 'lastName', startsWith: 'S' }] }, 'definition.any[0].attribute'],
      // A segment decided on a masked value is a test of that value too.
      [{ all: [{ attribute: 'company', eq: company }, { segment: birthdays }] }, 'definition.all[1].segment'],
    ] as const;
    for (const [definition, path] of refused) {
      const name = unique('refused');
      const { errors } = await gqlErrors(app, CREATE, { name, definition }, as('marketer'));
      expect(errors).toHaveLength(1);
      expect(errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', path });
      expect(JSON.stringify(errors)).not.toContain(email);
      expect(await segmentsNamed(name)).toBe(0);
    }

    // What a marketer reads as stored (company; city and country, which masks keep) it may test.
    const allowed = await create({ all: [{ attribute: 'company', eq: company }, { attribute: 'city', in: ['Berlin'] }, { identifier: 'EMAIL' }] }, 'marketer');
    const { errors } = await gqlErrors(app, UPDATE, { id: allowed, definition: { attribute: 'birthday', gte: '1990-05-17' } }, as('marketer'));
    expect(errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', path: 'definition.attribute' });
    const [{ version }] = await app.db.read<{ version: number }>('MATCH (s:Segment {id: $id}) RETURN s.version AS version', { id: allowed });
    expect(version).toBe(1);
    // An author who reads it in clear may.
    expect(await create({ attribute: 'email', eq: email })).toEqual(expect.any(String));
  });

  it('masks the literals of a definition like the attributes they test, and audits reading them in clear', async () => {
    const definition = {
      all: [
        { attribute: 'company', eq: company },
        { attribute: 'email', eq: email },
        { attribute: 'birthday', gte: '1990-05-17' },
        { attribute: 'lastName', in: ['Schulz', 'Meier'] },
        { attribute: 'city', eq: 'Berlin' },
        { attribute: 'phone', exists: true },
      ],
    };
    const id = await create(definition);
    const masked = {
      all: [
        { attribute: 'company', eq: company },
        { attribute: 'email', eq: 'j***@e***.com' },
        { attribute: 'birthday', gte: '1990' },
        { attribute: 'lastName', in: ['S.', 'M.'] },
        { attribute: 'city', eq: 'Berlin' },
        { attribute: 'phone', exists: true },
      ],
    };
    for (const role of ['analyst', 'marketer'] as const) expect((await gql(app, DEFINITION, { id }, as(role))).segment.definition).toEqual(masked);
    const list = await gql(app, `{ segments(first: 100) { edges { node { id definition } } } }`, {}, as('analyst'));
    expect(JSON.stringify(list)).not.toContain(email);
    const refused = await gqlErrors(app, DEFINITION, { id }, SEGMENTS_ONLY);
    expect(refused.data?.segment).toEqual({ definition: null });
    expect(refused.errors[0].extensions?.code).toBe('FORBIDDEN');

    const reader = unique('auditor');
    expect((await gql(app, DEFINITION, { id }, as('admin', { subject: reader }))).segment.definition).toEqual(definition);
    const plain = await create({ attribute: 'company', eq: unique() });
    const quiet = unique('auditor');
    await gql(app, DEFINITION, { id: plain }, as('admin', { subject: quiet }));
    await app.services.audit.flush();
    const blocks = await app.db.read<{ block: StoredBlock }>(
      "MATCH (b:AuditBlock {chain: 'main'}) WHERE any(read IN b.reads WHERE read CONTAINS $reader OR read CONTAINS $quiet) RETURN b {.*} AS block",
      { reader, quiet },
    );
    const entries = blocks
      .flatMap((row) => entriesOfBlock(row.block))
      .filter((entry) => entry.subject === reader || entry.subject === quiet)
      .map((entry) => ({ subject: entry.subject, fields: entry.fields, customerId: entry.customerId ?? null, decision: entry.decision }));
    expect(entries).toEqual([{ subject: reader, fields: ['Segment.definition'], customerId: null, decision: 'ALLOWED_CLEAR' }]);

    const { dataDictionary } = await gql(app, `{ dataDictionary { name fields { name classification mask readableBy { role mode } } } }`);
    const field = dataDictionary.find((t: { name: string }) => t.name === 'Segment').fields.find((f: { name: string }) => f.name === 'definition');
    expect(field).toMatchObject({ classification: 'PII', mask: 'ruleLiterals' });
    expect(field.readableBy).toEqual(expect.arrayContaining([{ role: 'analyst', mode: 'MASKED' }, { role: 'admin', mode: 'CLEAR' }]));
  });

  it('withholds sizes below the minimum group size from readers without pii:read', async () => {
    const one = await create({ attribute: 'company', eq: company });
    const none = await create({ attribute: 'company', eq: unique() });
    const tenCompany = unique('Co');
    await app.services.ingestion.ingestEvents(
      Array.from({ length: 10 }, () => ({ messageId: unique(), type: 'IDENTIFY' as const, userId: unique('u'), traits: { company: tenCompany } })),
    );
    const ten = await create({ attribute: 'company', eq: tenCompany });

    expect((await gql(app, SIZE, { id: one })).segment).toEqual({ size: 1, sizeBelow: null });
    for (const role of ['analyst', 'marketer'] as const) {
      expect((await gql(app, SIZE, { id: one }, as(role))).segment).toEqual({ size: null, sizeBelow: 10 });
      // An empty segment too: 0 against "fewer than 10" would confirm a guess as well as 1 does.
      expect((await gql(app, SIZE, { id: none }, as(role))).segment).toEqual({ size: null, sizeBelow: 10 });
      expect((await gql(app, SIZE, { id: ten }, as(role))).segment).toEqual({ size: 10, sizeBelow: null });
    }
  });

  it('keeps members of a segment decided on masked values from readers who see those values masked', async () => {
    const byBirthday = await create({ all: [{ attribute: 'company', eq: company }, { attribute: 'birthday', gte: '1990-01-01' }] });
    const byCompany = await create({ attribute: 'company', eq: company });
    // Nesting does not launder it.
    const nested = await create({ all: [{ attribute: 'city', eq: 'Berlin' }, { segment: byBirthday }] });

    const admin = (await gql(app, MEMBERS, { id: byBirthday })).segment.members.edges.map((e: { node: { id: string } }) => e.node.id);
    expect(admin).toEqual([customerId]);
    for (const id of [byBirthday, nested]) {
      const { data, errors } = await gqlErrors(app, MEMBERS, { id }, as('analyst'));
      expect(data?.segment).toEqual({ id, members: null });
      expect(errors[0].extensions).toMatchObject({ code: 'FORBIDDEN' });
      expect(errors[0].path).toEqual(['segment', 'members']);
    }
    expect((await gql(app, MEMBERS, { id: byCompany }, as('analyst'))).segment.members.edges).toEqual([{ node: { id: customerId } }]);

    const ofCustomer = async (role: 'admin' | 'analyst') =>
      (await gql(app, CUSTOMER_SEGMENTS, { id: customerId }, as(role))).customer.segments.map((s: { segment: { id: string } }) => s.segment.id);
    expect(await ofCustomer('admin')).toEqual(expect.arrayContaining([byBirthday, byCompany, nested]));
    const analyst = await ofCustomer('analyst');
    expect(analyst).toContain(byCompany);
    expect(analyst).not.toContain(byBirthday);
    expect(analyst).not.toContain(nested);
  });

  it('refuses to stream such memberships, and stops streaming a segment redefined on masked values', async () => {
    const restricted = await create({ all: [{ attribute: 'company', eq: company }, { attribute: 'email', eq: email }] });
    const watched = await create({ attribute: 'company', eq: unique() });
    const other = await create({ attribute: 'company', eq: unique() });
    const client = wsClient(url, await tokenFor(app, 'analyst'));
    clients.push(client);

    const refused = await subscribe(client, CHANGES, { segmentIds: [watched, restricted] }).failure();
    expect(refused).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);

    // From a cursor, so no change is missed however long the subscription takes to register.
    const [start] = await app.feed.append([change(restricted, 'c0')]);
    const follower = subscribe(client, CHANGES, { segmentIds: [watched, other], after: start.cursor });
    await app.feed.append([change(watched, 'c1')]);
    expect(await follower.received(1)).toEqual([{ segmentMembershipChanged: { segmentId: watched, customerId: 'c1', change: 'ENTERED' } }]);

    await gql(app, UPDATE, { id: watched, definition: { all: [{ attribute: 'company', eq: company }, { attribute: 'birthday', lt: '2000-01-01' }] } });
    await app.feed.append([change(watched, 'c2'), change(other, 'c3')]);
    expect((await follower.received(2))[1]).toEqual({ segmentMembershipChanged: { segmentId: other, customerId: 'c3', change: 'ENTERED' } });
    follower.stop();
  });

  it('reads the segments of changes the feed hands out together in one query, for every masked subscriber', async () => {
    const [north, south] = [await create({ attribute: 'city', eq: unique() }), await create({ attribute: 'city', eq: unique() })];
    const readsByIds = new CypherRegistry().get('segments/reads-by-ids');
    let reads = 0;
    const stopCounting = app.db.onQuery((query) => void (reads += query === readsByIds ? 1 : 0));
    // From a cursor, so no change is missed however long the subscriptions take to register.
    const [start] = await app.feed.append([change(north, unique('start'))]);
    const followers = [];
    for (let i = 0; i < 3; i++) {
      const client = wsClient(url, await tokenFor(app, 'analyst'));
      clients.push(client);
      followers.push(subscribe(client, CHANGES, { segmentIds: [north, south], after: start.cursor }));
    }
    const [mark] = await app.feed.append([change(north, unique('mark'))]);
    for (const follower of followers) expect((await follower.received(1))[0].segmentMembershipChanged.customerId).toBe(mark.customerId);

    reads = 0;
    const moved = unique('moved');
    await app.feed.append([{ ...change(north, moved), change: 'EXITED' }, change(south, moved)]);
    for (const follower of followers) {
      expect((await follower.received(3)).slice(1)).toEqual([
        { segmentMembershipChanged: { segmentId: north, customerId: moved, change: 'EXITED' } },
        { segmentMembershipChanged: { segmentId: south, customerId: moved, change: 'ENTERED' } },
      ]);
      follower.stop();
    }
    stopCounting();
    expect(reads).toBe(1);
  });
});

const change = (segmentId: string, customer: string): MembershipChange => ({ segmentId, customerId: customer, change: 'ENTERED', at: new Date().toISOString(), sequence: 1 });
