import { createLogger } from '../../src/observability/logger';
import { startTestApp, tokenFor, unique, type TestApp } from '../support/test-app';

/** The transport as clients see it: real HTTP against the express + Apollo server. */
describe('HTTP endpoints', () => {
  let app: TestApp;
  let url: string;
  let token: string;
  const logLines: string[] = [];
  beforeAll(async () => {
    app = await startTestApp({ logger: createLogger('info', { write: (line: string) => void logLines.push(line) }) });
    url = await app.listen('127.0.0.1', 0);
    token = await tokenFor(app, 'admin');
  });
  afterAll(() => app.close());

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
      body: JSON.stringify(body),
    });

  it('ingests and reads back over POST /graphql', async () => {
    const u = unique();
    const ingest = await post({
      query: `mutation($e: [IdentityEventInput!]!) { ingestEvents(events: $e) { created results { customerId } } }`,
      variables: { e: [{ messageId: u, type: 'IDENTIFY', userId: `${u}-user`, traits: { email: `${u}@http.test` } }] },
    });
    expect(ingest.status).toBe(200);
    const { data } = (await ingest.json()) as { data: { ingestEvents: { created: number; results: { customerId: string }[] } } };
    expect(data.ingestEvents.created).toBe(1);

    const read = await post({ query: `{ customerByIdentifier(type: EMAIL, value: "${u.toUpperCase()}@HTTP.TEST") { id } }` });
    expect(((await read.json()) as { data: { customerByIdentifier: { id: string } } }).data.customerByIdentifier.id).toBe(
      data.ingestEvents.results[0].customerId,
    );
  });

  it('answers malformed operations with a 400 and a stable code', async () => {
    const response = await post({ query: '{ customer(id: 1, nope: true) { id } }' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('logs each request with its id and operation, and never the identifiers in it', async () => {
    const u = unique();
    const response = await post(
      { query: `query LookUp($v: String!) { customerByIdentifier(type: EMAIL, value: $v) { id email } }`, variables: { v: `${u}@pii.test` } },
      { 'x-request-id': `req-${u}` },
    );
    expect(response.headers.get('x-request-id')).toBe(`req-${u}`);
    // A request id that is too long or not plain is replaced: it goes into the permanent audit chain.
    const oversized = await post({ query: '{ dataDictionary { name } }' }, { 'x-request-id': 'x'.repeat(500) });
    expect(oversized.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const line = logLines.map((l) => JSON.parse(l)).find((entry) => entry.requestId === `req-${u}`);
    expect(line).toMatchObject({ msg: 'graphql request', operation: 'LookUp', type: 'query', errors: [] });
    expect(logLines.join('\n')).not.toContain(`${u}@pii.test`);
  });

  it('counts request latency by operation, errors by code and Neo4j time by query', async () => {
    await post({ query: 'query Broken { customers(first: 0) { edges { cursor } } }' });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/c360_graphql_request_duration_seconds_count\{operation="Broken",type="query"\} [1-9]/);
    expect(metrics).toMatch(/c360_graphql_errors_total\{code="BAD_USER_INPUT"\} [1-9]/);
    expect(metrics).toMatch(/c360_neo4j_query_duration_seconds_count\{query="identity\/lock-owners"\} [1-9]/);
  });

  it('labels latency by at most 200 operation names, which clients choose', async () => {
    const u = unique();
    for (let i = 0; i < 210; i++) await post({ query: `query Named${u}x${i} { __typename }` });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const names = new Set([...metrics.matchAll(/c360_graphql_request_duration_seconds_count\{operation="([^"]+)"/g)].map((match) => match[1]));
    expect(names.size).toBeLessThanOrEqual(201);
    expect(names).toContain('(other)');
    expect(metrics).toMatch(/c360_graphql_request_duration_seconds_count\{operation="\(other\)",type="query"\} [1-9]/);
  });

  it('reports liveness, readiness and metrics', async () => {
    expect(await (await fetch(`${url}/health/live`)).json()).toEqual({ status: 'live' });
    const ready = await fetch(`${url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('# TYPE c360_ingested_total counter');
    expect(metrics).toMatch(/c360_ingested_total\{kind="EVENT",outcome="CREATED"\} [1-9]/);
  });
});
