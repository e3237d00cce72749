import type { Client } from 'graphql-ws';
import { startTestApp, tokenFor, unique, type TestApp } from '../support/test-app';
import { customerOfUser, ingestEventFor, postGraphQL, viaWs, wsClient, type GraphQLResponse } from '../support/transports';

const INGEST = `mutation($e: [IdentityEventInput!]!) { ingestEvents(events: $e) { created } }`;
const INTROSPECTION = '{ __schema { queryType { name } } }';
const TYPO = '{ customer(id: "none") { emial } }';
const SDL = '{ _service { sdl } }';
const METRICS_TOKEN = 'metrics-scraper-token-of-32-characters-or-more';

/**
 * Operations that make graphql-js name what introspection hides (types, fields, arguments, enum values) or quote
 * the values a caller sent: each with the words its development answer holds and its production answer must not.
 */
const LEAKY: { name: string; query: string; variables?: Record<string, unknown>; leaks: string[] }[] = [
  { name: 'a field suggestion and its type', query: TYPO, leaks: ['"email"', 'Customer'] },
  { name: 'an enum value suggestion', query: '{ customers(filter: { status: ACTIV }) { edges { cursor } } }', leaks: ['ACTIVE', 'CustomerStatus'] },
  {
    name: 'an enum value suggestion in a variable',
    query: 'query($s: CustomerStatus!) { customers(filter: { status: $s }) { edges { cursor } } }',
    variables: { s: 'ACTIV' },
    leaks: ['ACTIVE', 'CustomerStatus', 'ACTIV'],
  },
  {
    name: 'a malformed scalar in a variable',
    query: 'query($t: IdentifierType!) { customerByIdentifier(type: $t, value: "x") { id } }',
    variables: { t: 'e-mail' },
    leaks: ['IdentifierType', 'e-mail'],
  },
  { name: 'an argument suggestion', query: '{ customer(idd: "x") { id } }', leaks: ['Query.customer', '"id"'] },
  { name: 'an input field suggestion', query: '{ customers(filter: { stats: ACTIVE }) { edges { node { id } } } }', leaks: ['"status"', 'CustomerFilter'] },
  {
    name: 'an input field suggestion in a variable',
    query: INGEST,
    variables: { e: [{ mesageId: 'm', type: 'IDENTIFY' }] },
    leaks: ['"messageId"', 'IdentityEventInput'],
  },
  { name: 'the value of a variable', query: 'query($id: ID!) { customer(id: $id) { id } }', variables: { id: { canary: 'canary-7f3a' } }, leaks: ['canary-7f3a'] },
  { name: 'the type of a variable left out', query: 'query($id: ID!) { customer(id: $id) { id } }', variables: {}, leaks: ['ID!'] },
  { name: 'a required argument', query: '{ customer { id } }', leaks: ['"id"', 'ID!'] },
];

/** NODE_ENV=production against development, so every assertion on production is shown to be able to fail. */
describe('production mode', () => {
  let production: TestApp;
  let development: TestApp;
  let prodUrl: string;
  let devUrl: string;
  let prodToken: string;
  let devToken: string;
  let prodWs: Client;
  let devWs: Client;
  beforeAll(async () => {
    [production, development] = await Promise.all([
      startTestApp({ env: { NODE_ENV: 'production', SUPPRESSION_SALT: 'production-test-suppression-salt-0123456789' } }),
      startTestApp({ env: { NODE_ENV: 'development', METRICS_TOKEN } }),
    ]);
    [prodUrl, devUrl] = await Promise.all([production.listen('127.0.0.1', 0), development.listen('127.0.0.1', 0)]);
    [prodToken, devToken] = await Promise.all([tokenFor(production, 'admin'), tokenFor(development, 'admin')]);
    prodWs = wsClient(prodUrl, prodToken);
    devWs = wsClient(devUrl, devToken);
  });
  afterAll(async () => {
    await Promise.all([prodWs.dispose(), devWs.dispose()]);
    await Promise.all([production.close(), development.close()]);
  });

  it('runs with the production configuration', () => {
    expect(production.config.env).toBe('production');
    expect(development.config.env).toBe('development');
  });

  it('refuses introspection, over HTTP and graphql-ws', async () => {
    const refused = await postGraphQL(prodUrl, { query: INTROSPECTION }, prodToken);
    expect(refused.status).toBe(400);
    expect(refused.errors![0].extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(refused.data).toBeUndefined();
    const overWs = await viaWs(prodWs, '{ __type(name: "Customer") { fields { name } } }');
    expect(overWs.errors![0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(overWs.data).toBeUndefined();

    expect((await postGraphQL(devUrl, { query: INTROSPECTION }, devToken)).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  describe.each(['http', 'ws'] as const)('over %s', (transport) => {
    const send = (query: string, variables?: Record<string, unknown>, production = true) =>
      transport === 'http'
        ? postGraphQL(production ? prodUrl : devUrl, { query, variables }, production ? prodToken : devToken)
        : viaWs(production ? prodWs : devWs, query, variables);

    it.each(LEAKY)('names nothing of the schema and quotes no value in $name', async ({ query, variables, leaks }) => {
      const messages = (response: GraphQLResponse) => response.errors!.map((error) => error.message).join('\n');
      const development = await send(query, variables, false);
      for (const leak of leaks) expect(messages(development)).toContain(leak);
      const production = await send(query, variables);
      expect(production.data ?? null).toBeNull();
      expect(production.errors!.length).toBeGreaterThan(0);
      for (const leak of leaks) expect(messages(production)).not.toContain(leak);
      expect(production.errors!.map((error) => error.extensions!.code)).toEqual(development.errors!.map((error) => error.extensions!.code));
    });

    it('still says which variable was refused, and where an operation is invalid', async () => {
      const variable = await send('query($id: ID!) { customer(id: $id) { id } }', {});
      expect(variable.errors![0]).toMatchObject({ message: expect.stringContaining('"$id"'), extensions: { code: 'BAD_USER_INPUT' } });
      const invalid = await send(TYPO);
      expect(invalid.errors![0]).toMatchObject({ locations: [{ line: 1, column: 26 }], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    });

    it("serves the federation SDL only to a token with schema:read (the gateway's)", async () => {
      const anonymous = transport === 'http' ? await postGraphQL(prodUrl, { query: SDL }) : await viaWs(anonymousWs(), SDL);
      expect(anonymous.data?._service ?? null).toBeNull();
      expect(anonymous.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
      const analyst = await tokenFor(production, 'analyst');
      const refused = transport === 'http' ? await postGraphQL(prodUrl, { query: SDL }, analyst) : await viaWs(tracked(wsClient(prodUrl, analyst)), SDL);
      expect(refused.errors![0].extensions!.code).toBe('FORBIDDEN');
      const gateway = await tokenFor(production, 'gateway');
      const served = transport === 'http' ? await postGraphQL(prodUrl, { query: SDL }, gateway) : await viaWs(tracked(wsClient(prodUrl, gateway)), SDL);
      expect(served.errors).toBeUndefined();
      expect(served.data._service.sdl).toContain('type Customer');
    });
  });

  const opened: Client[] = [];
  const tracked = (client: Client) => (opened.push(client), client);
  const anonymousWs = () => tracked(wsClient(prodUrl));
  afterAll(() => Promise.all(opened.map((client) => client.dispose())));

  it('names no server framework in its headers', async () => {
    const responses = [
      await postGraphQL(prodUrl, { query: '{ __typename }' }),
      ...(await Promise.all(['/health/live', '/graphiql/', '/nowhere'].map((path) => fetch(`${prodUrl}${path}`)))),
    ];
    for (const { headers } of responses) expect(headers.get('x-powered-by')).toBeNull();
  });

  it('serves /metrics only with METRICS_TOKEN, and not at all in production without one', async () => {
    const metrics = (base: string, token?: string) => fetch(`${base}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    expect((await metrics(prodUrl)).status).toBe(404);
    expect((await metrics(prodUrl, prodToken)).status).toBe(404);
    expect((await metrics(devUrl)).status).toBe(401);
    expect((await metrics(devUrl, `${METRICS_TOKEN}x`)).status).toBe(401);
    const malformed = await fetch(`${devUrl}/metrics`, { headers: { authorization: METRICS_TOKEN } });
    expect(malformed.status).toBe(401);
    const served = await metrics(devUrl, METRICS_TOKEN);
    expect(served.status).toBe(200);
    expect(await served.text()).toContain('c360_limit_rejections_total');
  });

  it('sends no stack traces', async () => {
    const prod = await postGraphQL(prodUrl, { query: TYPO }, prodToken);
    expect(prod.errors![0].extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
    const dev = await postGraphQL(devUrl, { query: TYPO }, devToken);
    expect(dev.errors![0].extensions!.stacktrace).toEqual(expect.arrayContaining([expect.any(String)]));
  });

  it('refuses a request a browser could send cross-site (CSRF), and runs nothing', async () => {
    const u = unique();
    const response = await fetch(`${prodUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${prodToken}` },
      body: JSON.stringify({ query: INGEST, variables: { e: ingestEventFor(u) } }),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Cross-Site Request Forgery');
    const get = await fetch(`${prodUrl}/graphql?query=${encodeURIComponent('{ __typename }')}`);
    expect(get.status).toBe(400);
    expect(await customerOfUser(production, u)).toBeNull();
  });

  it('refuses batched HTTP requests, and runs nothing', async () => {
    const u = unique();
    const response = await fetch(`${prodUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${prodToken}` },
      body: JSON.stringify([{ query: INGEST, variables: { e: ingestEventFor(u) } }, { query: '{ __typename }' }]),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('batching');
    expect(await customerOfUser(production, u)).toBeNull();
  });
});
