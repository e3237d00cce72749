import type { Client } from 'graphql-ws';
import { startTestApp, tokenFor, unique, type TestApp } from '../support/test-app';
import { customerOfUser, ingestEventFor, postGraphQL, viaWs, wsClient, type GraphQLResponse } from '../support/transports';

/**
 * Limits small enough for an ingest mutation to break each one alone: the documents below stay inside every
 * limit but the one they name, so each test shows that exactly that limit refused the mutation before it ran.
 */
const SMALL_LIMITS = { GRAPHQL_MAX_DEPTH: '3', GRAPHQL_MAX_ALIASES: '2', GRAPHQL_MAX_DIRECTIVES: '2', GRAPHQL_MAX_TOKENS: '80', GRAPHQL_MAX_COST: '20' };

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
  beforeAll(async () => {
    app = await startTestApp({ env: SMALL_LIMITS });
    url = await app.listen('127.0.0.1', 0);
    token = await tokenFor(app, 'admin');
    client = wsClient(url, token);
  });
  afterAll(async () => {
    await client.dispose();
    await app.close();
  });

  const send: Record<'http' | 'ws', (query: string, variables: Record<string, unknown>) => Promise<GraphQLResponse>> = {
    http: (query, variables) => postGraphQL(url, { query, variables }, token),
    ws: (query, variables) => viaWs(client, query, variables),
  };

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
  beforeAll(async () => {
    app = await startTestApp();
    url = await app.listen('127.0.0.1', 0);
    token = await tokenFor(app, 'admin');
  });
  afterAll(() => app.close());
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
    const fields = 'id status firstName lastName email phone birthday gender company street city postalCode state country createdAt updatedAt';
    const page = (first: number) => `{ customers(first: ${first}) { edges { node { ${fields} } } } }`;
    expect((await post(page(20))).errors).toBeUndefined();
    const refused = await post(page(100));
    expect(refused.errors![0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost' } });
  });
});
