import { createHash } from 'node:crypto';
import { Analytics } from '@segment/analytics-node';
import type { Redis } from 'ioredis';
import { toEntries } from '../../src/streaming/ingest-stream';
import { gql, startTestApp, unique, type TestApp } from '../support/test-app';
import { jsonWithNested, NESTED } from '../support/nested';
import { deadLetters, eventually, pendingCount, streamEnv, testRedis } from '../support/streams';

const CUSTOMER = /* GraphQL */ `
  query ($value: String!) {
    customerByIdentifier(type: USER_ID, value: $value) { id email identifiers { type value why { source cause } } }
  }
`;

const basic = (writeKey: string) => `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;

async function post(url: string, body: string, authorization?: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body,
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as Record<string, unknown> };
}

describe('the Segment-spec endpoint with the worker in process', () => {
  const u = unique();
  const writeKey = `${u}-write-key`;
  let app: TestApp;
  let url: string;
  let redis: Redis;
  beforeAll(async () => {
    app = await startTestApp({ env: { ...streamEnv(u), SEGMENT_WRITE_KEYS: `other-key,${writeKey}:web`, INGEST_WORKER_IN_PROCESS: 'true' } });
    url = await app.listen('127.0.0.1', 0);
    redis = testRedis();
  });
  afterAll(async () => {
    await app.close();
    redis.disconnect();
  });

  it('takes identify, track and alias from the real Segment client and resolves each once', async () => {
    const analytics = new Analytics({ writeKey, host: url, path: '/v1/batch', maxRetries: 0, flushInterval: 50 });
    const sent: { messageId: string; type: string }[] = [];
    const statuses: number[] = [];
    analytics.on('http_request', (request) => sent.push(...(JSON.parse(request.body).batch as { messageId: string; type: string }[])));
    analytics.on('http_response', (response) => statuses.push(response.status));
    analytics.identify({ userId: `${u}-user`, traits: { email: `${u}@Shop.test`, firstName: 'Ada' } });
    analytics.track({ userId: `${u}-user`, event: 'Order Completed', properties: { total: 42 } });
    analytics.alias({ userId: `${u}-user`, previousId: `${u}-anon` });
    await analytics.closeAndFlush();
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(sent.map((event) => event.type).sort()).toEqual(['alias', 'identify', 'track']);

    await eventually('stream length', () => redis.xlen(`${u}:events`), (n) => n === 0);
    expect(await pendingCount(redis, `${u}:events`, `${u}-group`)).toBe(0);
    const { customerByIdentifier: customer } = await gql(app, CUSTOMER, { value: `${u}-user` });
    expect(customer.email).toBe(`${u}@shop.test`);
    const identifiers = customer.identifiers.map((i: { type: string; value: string; why: { source: string } }) => `${i.type}:${i.value}:${i.why.source}`);
    expect(identifiers.sort()).toEqual([`ANONYMOUS_ID:${u}-anon:web`, `EMAIL:${u}@shop.test:web`, `USER_ID:${u}-user:web`]);

    const processed = (await app.metrics.streamProcessed.get()).values;
    expect(processed.reduce((sum, v) => sum + v.value, 0)).toBe(3);
    expect(processed.find((v) => v.labels.outcome === 'DUPLICATE')).toBeUndefined();
    const again = await app.services.ingestion.ingestEvents(sent.map((e) => ({ messageId: e.messageId, type: 'IDENTIFY', userId: `${u}-user` })));
    expect(again.map((r) => r.outcome)).toEqual(['DUPLICATE', 'DUPLICATE', 'DUPLICATE']);
  });

  it('refuses a missing or wrong write key with 401', async () => {
    const body = JSON.stringify({ userId: `${u}-x`, event: 'Viewed' });
    const before = await redis.xlen(`${u}:events`);
    expect(await post(`${url}/v1/track`, body)).toMatchObject({ status: 401, body: { success: false, code: 'UNAUTHENTICATED' } });
    expect(await post(`${url}/v1/track`, body, basic('wrong-key'))).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED', message: 'Unknown write key' } });
    expect(await post(`${url}/v1/batch`, JSON.stringify({ writeKey: 'wrong-key', batch: [] }))).toMatchObject({ status: 401 });
    expect(await redis.xlen(`${u}:events`)).toBe(before);
  });

  it('refuses a body that is not JSON or not shaped like a call with 400 and a reason', async () => {
    const auth = basic(writeKey);
    expect(await post(`${url}/v1/identify`, '{"userId": ', auth)).toMatchObject({ status: 400, body: { code: 'BAD_USER_INPUT', reason: 'INVALID_JSON' } });
    expect(await post(`${url}/v1/identify`, '[1, 2]', auth)).toMatchObject({ status: 400, body: { code: 'BAD_USER_INPUT', reason: 'INVALID_BODY' } });
    expect(await post(`${url}/v1/batch`, JSON.stringify({ batch: { type: 'track' } }), auth)).toMatchObject({ status: 400, body: { reason: 'INVALID_BODY' } });
    const unsupported = await post(`${url}/v1/batch`, JSON.stringify({ batch: [{ type: 'identify', userId: `${u}-ok` }, { type: 'purchase' }] }), auth);
    expect(unsupported).toMatchObject({ status: 400, body: { reason: 'UNSUPPORTED_TYPE', message: expect.stringContaining('batch[1].type') } });
    // The whole request is refused: not even its valid first call was taken.
    const { customerByIdentifier } = await gql(app, CUSTOMER, { value: `${u}-ok` });
    expect(customerByIdentifier).toBeNull();
  });

  it('takes at most INGEST_MAX_BATCH calls per request, as ingestEvents does, and appends nothing of a larger one', async () => {
    const before = await redis.xlen(`${u}:events`);
    const batch = Array.from({ length: 1001 }, (_, i) => ({ type: 'identify', userId: `${u}-many-${i}` }));
    const refused = await post(`${url}/v1/batch`, JSON.stringify({ batch }), basic(writeKey));
    expect(refused).toMatchObject({ status: 400, body: { code: 'BAD_USER_INPUT', reason: 'BATCH_TOO_LARGE', maxBatch: 1000 } });
    expect(await redis.xlen(`${u}:events`)).toBe(before);
  });

  it('refuses a call nested too deep alone: the worker applies the calls beside it and keeps a bounded dead letter', async () => {
    const batch = [
      { type: 'identify', messageId: `${u}-d1`, userId: `${u}-d1` },
      { type: 'track', messageId: `${u}-deep`, userId: `${u}-deep`, event: 'Viewed', properties: NESTED },
      { type: 'identify', messageId: `${u}-d2`, userId: `${u}-d2`, traits: { email: `${u}\u0000@x.test` } },
      { type: 'identify', messageId: `${u}-d3`, userId: `${u}-d3` },
    ];
    expect(await post(`${url}/v1/batch`, jsonWithNested({ batch }, 6000), basic(writeKey))).toMatchObject({ status: 200, body: { success: true } });
    await eventually('stream length', () => redis.xlen(`${u}:events`), (n) => n === 0);
    for (const id of [`${u}-d1`, `${u}-d3`]) expect((await gql(app, CUSTOMER, { value: id })).customerByIdentifier).not.toBeNull();
    for (const id of [`${u}-deep`, `${u}-d2`]) expect((await gql(app, CUSTOMER, { value: id })).customerByIdentifier).toBeNull();
    // Refused by ingestion with a reason, not failed deliveries: nothing went to the stream's dead-letter list.
    expect(await deadLetters(redis, `${u}:dead`)).toEqual([]);
    // Ingestion names a letter by kind and messageId.
    const letter = (messageId: string) => app.services.deadLetters.byId(createHash('sha256').update(`EVENT\n${messageId}`).digest('hex').slice(0, 32));
    const deep = await letter(`${u}-deep`);
    expect(deep).toMatchObject({ code: 'PAYLOAD_TOO_DEEP', source: 'web' });
    expect(JSON.parse(deep!.payload)).toMatchObject({ messageId: `${u}-deep`, userId: `${u}-deep`, type: 'TRACK', event: 'Viewed' });
    expect(JSON.parse(deep!.payload).properties).toBeUndefined();
    expect(await letter(`${u}-d2`)).toMatchObject({ code: 'INVALID_TEXT', message: 'traits.email contains a NUL character (U+0000)' });
  });
});

describe('backpressure', () => {
  const u = unique();
  const writeKey = `${u}-write-key`;
  let app: TestApp;
  let url: string;
  let redis: Redis;
  beforeAll(async () => {
    app = await startTestApp({ env: { ...streamEnv(u), SEGMENT_WRITE_KEYS: writeKey, INGEST_BACKLOG_LIMIT: '2', INGEST_RETRY_AFTER_SECONDS: '7' } });
    url = await app.listen('127.0.0.1', 0);
    redis = testRedis();
  });
  afterAll(async () => {
    await app.close();
    redis.disconnect();
  });

  it('appends below the bound (a messageId assigned at the edge), then answers 429 with Retry-After and appends nothing', async () => {
    const auth = basic(writeKey);
    await app.ingestStream!.append([{ messageId: `${u}-1`, type: 'IDENTIFY', userId: `${u}-1` }]);
    expect(await post(`${url}/v1/track`, JSON.stringify({ userId: `${u}-2`, event: 'Viewed' }), auth)).toMatchObject({ status: 200, body: { success: true } });
    const entries = toEntries(await redis.xrange(`${u}:events`, '-', '+'));
    expect(entries).toHaveLength(2);
    const appended = JSON.parse(entries[1].fields.event);
    expect(appended).toMatchObject({ type: 'TRACK', userId: `${u}-2`, event: 'Viewed', messageId: expect.stringMatching(/^[0-9a-f-]{36}$/) });

    const refused = await post(`${url}/v1/track`, JSON.stringify({ userId: `${u}-3`, event: 'Viewed' }), auth);
    expect(refused).toMatchObject({ status: 429, retryAfter: '7', body: { success: false, code: 'RATE_LIMITED' } });
    expect(await redis.xlen(`${u}:events`)).toBe(2);
  });
});

describe('the Segment-spec endpoint without Redis', () => {
  const u = unique();
  const writeKey = `${u}-write-key`;
  let app: TestApp;
  let url: string;
  beforeAll(async () => {
    app = await startTestApp({ env: { REDIS_URL: undefined, SEGMENT_WRITE_KEYS: `${writeKey}:mobile` } });
    url = await app.listen('127.0.0.1', 0);
  });
  afterAll(() => app.close());

  it('resolves a call directly, before answering', async () => {
    expect(app.ingestStream).toBeNull();
    const identify = { userId: `${u}-user`, anonymousId: `${u}-anon`, messageId: `${u}-m1`, traits: { email: `${u}@direct.test` } };
    expect(await post(`${url}/v1/identify`, JSON.stringify(identify), basic(writeKey))).toMatchObject({ status: 200, body: { success: true } });
    const { customerByIdentifier: customer } = await gql(app, CUSTOMER, { value: `${u}-user` });
    expect(customer.identifiers.map((i: { type: string; why: { source: string; cause: string } }) => `${i.type}:${i.why.source}:${i.why.cause}`).sort()).toEqual(
      [`ANONYMOUS_ID:mobile:${u}-m1`, `EMAIL:mobile:${u}-m1`, `USER_ID:mobile:${u}-m1`],
    );
  });

  it('takes at most INGEST_MAX_BATCH calls per request and applies nothing of a larger one', async () => {
    const batch = Array.from({ length: 1001 }, (_, i) => ({ type: 'identify', userId: `${u}-many-${i}` }));
    const refused = await post(`${url}/v1/batch`, JSON.stringify({ batch }), basic(writeKey));
    expect(refused).toMatchObject({ status: 400, body: { code: 'BAD_USER_INPUT', reason: 'BATCH_TOO_LARGE', maxBatch: 1000 } });
    expect((await gql(app, CUSTOMER, { value: `${u}-many-0` })).customerByIdentifier).toBeNull();
  });

  it('refuses a call nested too deep alone and applies the calls beside it', async () => {
    const batch = [
      { type: 'identify', userId: `${u}-b1` },
      { type: 'identify', userId: `${u}-deep`, traits: NESTED },
      { type: 'identify', userId: `${u}-b2` },
    ];
    expect(await post(`${url}/v1/batch`, jsonWithNested({ batch }, 6000), basic(writeKey))).toMatchObject({ status: 200, body: { success: true } });
    expect((await gql(app, CUSTOMER, { value: `${u}-b1` })).customerByIdentifier).not.toBeNull();
    expect((await gql(app, CUSTOMER, { value: `${u}-b2` })).customerByIdentifier).not.toBeNull();
    expect((await gql(app, CUSTOMER, { value: `${u}-deep` })).customerByIdentifier).toBeNull();
  });
});
