import type { Client } from 'graphql-ws';
import { startTestApp, tokenFor, unique, type TestApp } from '../support/test-app';
import { customerOfUser, ingestEventFor, postGraphQL, viaWs, wsClient } from '../support/transports';

const INGEST = `mutation($e: [IdentityEventInput!]!) { ingestEvents(events: $e) { created } }`;
const INTROSPECTION = '{ __schema { queryType { name } } }';
const TYPO = '{ customer(id: "none") { emial } }';

/** NODE_ENV=production against development, so every assertion on production is shown to be able to fail. */
describe('production mode', () => {
  let production: TestApp;
  let development: TestApp;
  let prodUrl: string;
  let devUrl: string;
  let prodToken: string;
  let devToken: string;
  let prodWs: Client;
  beforeAll(async () => {
    [production, development] = await Promise.all([
      startTestApp({ env: { NODE_ENV: 'production', SUPPRESSION_SALT: 'production-test-suppression-salt-0123456789' } }),
      startTestApp({ env: { NODE_ENV: 'development' } }),
    ]);
    [prodUrl, devUrl] = await Promise.all([production.listen('127.0.0.1', 0), development.listen('127.0.0.1', 0)]);
    [prodToken, devToken] = await Promise.all([tokenFor(production, 'admin'), tokenFor(development, 'admin')]);
    prodWs = wsClient(prodUrl, prodToken);
  });
  afterAll(async () => {
    await prodWs.dispose();
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

  it('suggests no field names, over HTTP and graphql-ws', async () => {
    const [http, ws] = [await postGraphQL(prodUrl, { query: TYPO }, prodToken), await viaWs(prodWs, TYPO)];
    for (const { errors } of [http, ws]) {
      expect(errors![0].message).toBe('Cannot query field "emial" on type "Customer". [Suggestion hidden]?');
    }
    const dev = await postGraphQL(devUrl, { query: TYPO }, devToken);
    expect(dev.errors![0].message).toContain('Did you mean "email"');
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
