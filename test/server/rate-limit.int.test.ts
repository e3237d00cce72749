import { ANONYMOUS } from '../../src/auth/principal';
import { OperationRateLimiter, rateLimitKey } from '../../src/server/rate-limiter';
import { as, startTestApp, unique, type TestApp } from '../support/test-app';
import { customerOfUser, ingestEventFor, postGraphQL, viaWs, wsClient } from '../support/transports';

const INGEST = `mutation($e: [IdentityEventInput!]!) { ingestEvents(events: $e) { created } }`;
const PING = '{ __typename }';

/** Two instances of the API on the run's real Redis, three operations per principal per minute. */
describe('rate limits per principal, shared through Redis', () => {
  let a: TestApp;
  let b: TestApp;
  let urlA: string;
  let urlB: string;
  beforeAll(async () => {
    const env = { RATE_LIMIT_POINTS: '3', RATE_LIMIT_DURATION_SECONDS: '60' };
    [a, b] = await Promise.all([startTestApp({ env }), startTestApp({ env })]);
    [urlA, urlB] = await Promise.all([a.listen('127.0.0.1', 0), b.listen('127.0.0.1', 0)]);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  /** Each test spends the budget of a subject of its own, so tests never share one. */
  const tokenOf = (app: TestApp) => app.minter!.mint({ role: 'admin', subject: unique('rate-') });

  it('answers HTTP over budget with 429, Retry-After and RATE_LIMITED, and runs nothing', async () => {
    const token = await tokenOf(a);
    for (let i = 0; i < 3; i++) expect((await postGraphQL(urlA, { query: PING }, token)).status).toBe(200);

    const u = unique();
    const refused = await postGraphQL(urlA, { query: INGEST, variables: { e: ingestEventFor(u) } }, token);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.errors).toEqual([
      { message: `Too many requests; retry in ${retryAfter} s`, extensions: { code: 'RATE_LIMITED', retryAfter } },
    ]);
    expect(await customerOfUser(a, u)).toBeNull();
  });

  it('keeps one budget per principal: another subject is still served', async () => {
    const spent = await tokenOf(a);
    for (let i = 0; i < 4; i++) await postGraphQL(urlA, { query: PING }, spent);
    expect((await postGraphQL(urlA, { query: PING }, spent)).status).toBe(429);
    expect((await postGraphQL(urlA, { query: PING }, await tokenOf(a))).status).toBe(200);
  });

  it('shares the budget between instances on the same Redis', async () => {
    const token = await tokenOf(a);
    expect((await postGraphQL(urlA, { query: PING }, token)).status).toBe(200);
    expect((await postGraphQL(urlA, { query: PING }, token)).status).toBe(200);
    expect((await postGraphQL(urlB, { query: PING }, token)).status).toBe(200);
    const u = unique();
    const refused = await postGraphQL(urlB, { query: INGEST, variables: { e: ingestEventFor(u) } }, token);
    expect(refused.status).toBe(429);
    expect(await customerOfUser(b, u)).toBeNull();
  });

  it('spends the same budget on graphql-ws operations and refuses with RATE_LIMITED', async () => {
    const token = await tokenOf(a);
    const client = wsClient(urlA, token);
    try {
      for (let i = 0; i < 2; i++) expect((await viaWs(client, PING)).data).toEqual({ __typename: 'Query' });
      expect((await postGraphQL(urlB, { query: PING }, token)).status).toBe(200);
      const u = unique();
      const refused = await viaWs(client, INGEST, { e: ingestEventFor(u) });
      expect(refused.errors).toEqual([
        { message: expect.stringMatching(/^Too many requests; retry in \d+ s$/), extensions: { code: 'RATE_LIMITED', retryAfter: expect.any(Number) } },
      ]);
      expect(await customerOfUser(a, u)).toBeNull();
    } finally {
      await client.dispose();
    }
  });

  it('counts rate refusals by transport', async () => {
    const token = await tokenOf(a);
    for (let i = 0; i < 4; i++) await postGraphQL(urlA, { query: PING }, token);
    const metrics = await (await fetch(`${urlA}/metrics`)).text();
    expect(metrics).toMatch(/c360_limit_rejections_total\{limit="rate",transport="http"\} [1-9]/);
  });

  it('closes its Redis connection when the app stops', async () => {
    const app = await startTestApp({ env: { RATE_LIMIT_POINTS: '3' } });
    expect(app.rateLimiter.redisStatus).toBe('ready');
    await app.close();
    expect(app.rateLimiter.redisStatus).toBe('end');
  });
});

describe('rate limiter without Redis', () => {
  it('limits in memory, with a retry hint', async () => {
    const limiter = OperationRateLimiter.create({ points: 2, durationSeconds: 30 }, null);
    const key = rateLimitKey(as('analyst', { subject: unique() }), '10.0.0.1');
    expect(await limiter.consume(key)).toEqual({ allowed: true });
    expect(await limiter.consume(key)).toEqual({ allowed: true });
    const refused = await limiter.consume(key);
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: expect.any(Number) });
    expect(refused.allowed === false && refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(refused.allowed === false && refused.retryAfterSeconds).toBeLessThanOrEqual(30);
    expect(limiter.redisStatus).toBeNull();
  });

  it('keys a principal by subject and an anonymous caller by address', () => {
    expect(rateLimitKey(as('analyst', { subject: 'alice' }), '10.0.0.1')).toBe('sub:alice');
    expect(rateLimitKey(ANONYMOUS, '10.0.0.1')).toBe('ip:10.0.0.1');
  });

  it('can be switched off', async () => {
    const limiter = OperationRateLimiter.create({ points: 0, durationSeconds: 60 }, null);
    for (let i = 0; i < 5; i++) expect(await limiter.consume('ip:10.0.0.2')).toEqual({ allowed: true });
  });
});
