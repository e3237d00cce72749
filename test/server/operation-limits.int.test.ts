import type { Client } from 'graphql-ws';
import { startTestApp, unique, type TestApp } from '../support/test-app';
import { customerOfUser, ingestEventFor, listenOnBoth, postGraphQL, viaWs, type GraphQLResponse, type SendOn } from '../support/transports';

/**
 * Limits small enough for an ingest mutation to break each one alone: the documents below stay inside every
 * limit but the one they name, so each test shows that exactly that limit refused the mutation before it ran.
 */
const SMALL_LIMITS = { GRAPHQL_MAX_DEPTH: '3', GRAPHQL_MAX_ALIASES: '2', GRAPHQL_MAX_DIRECTIVES: '2', GRAPHQL_MAX_TOKENS: '80', GRAPHQL_MAX_COST: '20' };

/** Every scalar of a profile: a page of 20 of them costs 1,270. */
const PROFILE = 'id status firstName lastName email phone birthday gender company street city postalCode state country createdAt updatedAt';

const mutation = (selection: string) => `mutation($e: [IdentityEventInput!]!) { ingestEvents(events: $e) { ${selection} } }`;

const HOSTILE: { limit: string; code: string; query: string }[] = [
  { limit: 'depth', code: 'GRAPHQL_VALIDATION_FAILED', query: mutation('results { conflicts { limit } }') },
  { limit: 'aliases', code: 'GRAPHQL_VALIDATION_FAILED', query: mutation('a: created b: created c: created') },
  {
    limit: 'directives',
    code: 'GRAPHQL_VALIDATION_FAILED',
    query: mutation('created @skip(if: false) linked @skip(if: false) merged @skip(if: false)'),
  },
  { limit: 'tokens', code: 'GRAPHQL_PARSE_FAILED', query: mutation(Array(70).fill('created').join(' ')) },
  {
    limit: 'cost',
    code: 'GRAPHQL_VALIDATION_FAILED',
    query: mutation('created linked merged duplicate rejected results { index messageId customerId outcome deadLetterId }'),
  },
];

describe('operation limits, on HTTP and graphql-ws alike', () => {
  let app: TestApp;
  let url: string;
  let token: string;
  let client: Client;
  let send: SendOn;
  beforeAll(async () => {
    app = await startTestApp({ env: SMALL_LIMITS });
    ({ url, token, client, send } = await listenOnBoth(app));
  });
  afterAll(async () => {
    await client.dispose();
    await app.close();
  });

  describe.each(['http', 'ws'] as const)('over %s', (transport) => {
    it.each(HOSTILE)('refuses a mutation over the $limit limit before it runs', async ({ limit, code, query }) => {
      const u = unique();
      const response = await send[transport](query, { e: ingestEventFor(u) });
      expect(response.data ?? null).toBeNull();
      expect(response.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code, limit }) })]);
      if (transport === 'http') expect(response.status).toBe(400);
      expect(await customerOfUser(app, u)).toBeNull();
    });

    it('runs the same mutation within the limits', async () => {
      const u = unique();
      const response = await send[transport](mutation('created results { customerId }'), { e: ingestEventFor(u) });
      expect(response.errors).toBeUndefined();
      expect(response.data.ingestEvents.created).toBe(1);
      expect(await customerOfUser(app, u)).toBe(response.data.ingestEvents.results[0].customerId);
    });
  });

  it('says which limit was hit and by how much', async () => {
    const response = await postGraphQL(url, { query: HOSTILE[0].query, variables: { e: ingestEventFor(unique()) } }, token);
    expect(response.errors![0].message).toBe('Query depth limit of 3 exceeded, found 4.');
  });

  it('measures depth and cost through fragments, not by the number of fragments', async () => {
    const response = await postGraphQL(
      url,
      { query: `query($id: ID!) { customer(id: $id) { ...Ids } } fragment Ids on Customer { ... on Customer { id } }`, variables: { id: 'none' } },
      token,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ customer: null });
  });

  it('limits subscriptions too', async () => {
    const response = await viaWs(client, `subscription { customerChanged(id: "x") { customerId change at customer { id email firstName lastName phone city } } }`);
    expect(response.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost' }) })]);
  });

  it('counts refusals by limit and transport', async () => {
    for (const { query } of HOSTILE) {
      await send.http(query, { e: ingestEventFor(unique()) });
      await send.ws(query, { e: ingestEventFor(unique()) });
    }
    const metrics = await (await fetch(`${url}/metrics`)).text();
    for (const transport of ['http', 'ws']) {
      for (const { limit } of HOSTILE) {
        expect(metrics).toMatch(new RegExp(`c360_limit_rejections_total\\{limit="${limit}",transport="${transport}"\\} [1-9]`));
      }
    }
  });
});

describe('operation limits at their defaults', () => {
  let app: TestApp;
  let url: string;
  let token: string;
  let client: Client;
  let send: SendOn;
  beforeAll(async () => {
    app = await startTestApp();
    ({ url, token, client, send } = await listenOnBoth(app));
  });
  afterAll(async () => {
    await client.dispose();
    await app.close();
  });
  const post = (query: string) => postGraphQL(url, { query }, token);

  it('allows 15 aliases and refuses 16', async () => {
    const aliased = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: customer(id: "none") { id }`).join(' ')} }`;
    expect((await post(aliased(15))).errors).toBeUndefined();
    const refused = await post(aliased(16));
    expect(refused.status).toBe(400);
    expect(refused.errors![0]).toMatchObject({ message: 'Aliases limit of 15 exceeded, found 16.', extensions: { limit: 'aliases' } });
  });

  it('refuses a document of more than 1,000 tokens', async () => {
    const refused = await post(`{ customer(id: "none") { ${Array(1000).fill('id').join(' ')} } }`);
    expect(refused.status).toBe(400);
    expect(refused.errors![0]).toMatchObject({ extensions: { code: 'GRAPHQL_PARSE_FAILED', limit: 'tokens' } });
  });

  it('refuses a page whose cost is over 5,000', async () => {
    const page = (first: number) => `{ customers(first: ${first}) { edges { node { ${PROFILE} } } } }`;
    expect((await post(page(20))).errors).toBeUndefined();
    const refused = await post(page(100));
    expect(refused.errors![0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost' } });
  });

  it('refuses fragments that spread into each other past 10,000 fields, without pricing them all', async () => {
    // 2^15 ids from 16 small fragments: few tokens, little depth.
    const fragments = Array.from({ length: 15 }, (_, i) => `fragment F${i + 1} on Customer { ...F${i} ...F${i} }`).join(' ');
    const refused = await post(`{ customer(id: "none") { ...F15 } } fragment F0 on Customer { id } ${fragments}`);
    expect(refused.status).toBe(400);
    expect(refused.errors).toEqual([
      expect.objectContaining({ message: 'Query Cost limit of 5000 exceeded, found more than 10000 fields.', extensions: expect.objectContaining({ limit: 'cost' }) }),
    ]);
  });

  describe.each(['http', 'ws'] as const)('cost with the variables the operation runs with, over %s', (transport) => {
    const PAGE = `query Page($n: Int) { customers(first: $n) { edges { node { ${PROFILE} } } } }`;
    const refusedForCost = (response: GraphQLResponse) => {
      expect(response.data ?? null).toBeNull();
      expect(response.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost' }) })]);
      if (transport === 'http') expect(response.status).toBe(400);
    };

    it('refuses a page size given as a variable as it refuses the literal', async () => {
      refusedForCost(await send[transport](PAGE, { n: 1000 }));
      refusedForCost(await send[transport](PAGE, { n: 100 }));
      expect((await send[transport](PAGE, { n: 20 })).errors).toBeUndefined();
    });

    it('counts an omitted or null page size as the default page (20)', async () => {
      const message = (response: GraphQLResponse) => response.errors?.[0]?.message;
      const refusedAt = async (variables: Record<string, unknown>) =>
        message(await send[transport](`query($n: Int) { customers(first: $n) { edges { node { ${PROFILE} } } } a: customers(first: $n) { edges { node { ${PROFILE} } } } b: customers(first: $n) { edges { node { ${PROFILE} } } } c: customers(first: $n) { edges { node { ${PROFILE} } } } }`, variables));
      // Four default pages of full profiles cost 4 × 1,270: over 5,000, however the size was left out.
      for (const variables of [{}, { n: null }, { n: 20 }]) expect(await refusedAt(variables)).toBe('Query Cost limit of 5000 exceeded, found 5080.');
      expect(await refusedAt({ n: 1 })).toBeUndefined();
    });

    it('sizes every connection by its page, not only the top-level one', async () => {
      const members = `query($m: Int) { segment(id: "none") { members(first: $m) { edges { node { ${PROFILE} } } } } }`;
      refusedForCost(await send[transport](members, { m: 1000 }));
      expect(await send[transport](members, {})).toEqual(expect.objectContaining({ data: { segment: null } }));
    });

    it('leaves out what a variable skips', async () => {
      const skipped = `query($n: Int, $skip: Boolean!) { customers(first: $n) @skip(if: $skip) { edges { node { ${PROFILE} } } } }`;
      refusedForCost(await send[transport](skipped, { n: 1000, skip: false }));
      expect((await send[transport](skipped, { n: 1000, skip: true })).errors).toBeUndefined();
    });
  });
});
