import type { Redis } from 'ioredis';
import { eventually, streamEnv, testRedis } from '../support/streams';
import { gql, startTestApp, unique, type TestApp } from '../support/test-app';

describe('the API with Redis and no INGEST_WORKER_IN_PROCESS', () => {
  const u = unique();
  const writeKey = `${u}-key`;
  let app: TestApp;
  let url: string;
  let redis: Redis;
  beforeAll(async () => {
    // As `REDIS_URL=... npm start` runs it: nothing says whether a worker runs elsewhere.
    app = await startTestApp({ env: { ...streamEnv(u), SEGMENT_WRITE_KEYS: writeKey, INGEST_WORKER_IN_PROCESS: undefined } });
    url = await app.listen('127.0.0.1', 0);
    redis = testRedis();
  });
  afterAll(async () => {
    await app.close();
    redis.disconnect();
  });

  it('applies what /v1 accepted itself, without a separate worker', async () => {
    const response = await fetch(`${url}/v1/identify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}` },
      body: JSON.stringify({ userId: `${u}-user`, traits: { firstName: 'Ada' } }),
    });
    expect(response.status).toBe(200);

    const customer = await eventually(
      'the identified customer',
      async () => (await gql(app, `{ customerByIdentifier(type: USER_ID, value: "${u}-user") { firstName } }`)).customerByIdentifier,
      (found) => found !== null,
      30_000,
    );
    expect(customer).toEqual({ firstName: 'Ada' });
    // Acknowledged entries leave the stream: nothing waits there for a worker.
    await eventually('stream length', () => redis.xlen(`${u}:events`), (n) => n === 0);
  });
});
