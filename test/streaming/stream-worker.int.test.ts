import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { loadConfig } from '../../src/config/config';
import type { RawEvent } from '../../src/ingestion/event-normalizer';
import { createLogger } from '../../src/observability/logger';
import { createMetrics } from '../../src/observability/metrics';
import { IngestStream } from '../../src/streaming/ingest-stream';
import { StreamWorker } from '../../src/streaming/stream-worker';
import { startTestApp, unique, type TestApp } from '../support/test-app';
import { deadLetters, eventually, pendingCount, streamEnv, testRedis } from '../support/streams';

describe('the ingest stream worker', () => {
  let app: TestApp;
  let redis: Redis;
  beforeAll(async () => {
    app = await startTestApp();
    redis = testRedis();
  });
  afterAll(async () => {
    await app.close();
    redis.disconnect();
  });

  const settingsFor = (u: string, extra: Record<string, string> = {}) =>
    loadConfig({ ...process.env, NODE_ENV: 'test', AUTH_DEV_MODE: 'true', ...streamEnv(u, extra) }).streaming;

  it('applies a batch, acknowledges it and keeps only unapplied work in the stream; a rejected event is acknowledged too', async () => {
    const u = unique();
    const settings = settingsFor(u);
    const stream = new IngestStream(redis, settings);
    const events: RawEvent[] = [
      ...[1, 2, 3].map((i) => ({ messageId: `${u}-${i}`, type: 'IDENTIFY', userId: `${u}-user-${i}` })),
      { messageId: `${u}-bad`, type: 'IDENTIFY' }, // no identifier: REJECTED, dead-lettered in Neo4j by ingestion
    ];
    await stream.append(events);
    expect(await stream.backlog()).toBe(4);

    const worker = new StreamWorker({ redisUrl: process.env.REDIS_URL!, settings, ingestion: app.services.ingestion, metrics: app.metrics, logger: createLogger('silent') });
    worker.start();
    try {
      await eventually('stream length', () => redis.xlen(settings.streamKey), (n) => n === 0);
    } finally {
      await worker.stop();
    }
    expect(await stream.backlog()).toBe(0);
    expect(await pendingCount(redis, settings.streamKey, settings.group)).toBe(0);
    expect(await deadLetters(redis, settings.deadLetterKey)).toEqual([]);
    // Applied once: the same messages again are all known.
    const again = await app.services.ingestion.ingestEvents(events.slice(0, 3));
    expect(again.map((r) => r.outcome)).toEqual(['DUPLICATE', 'DUPLICATE', 'DUPLICATE']);
    // The rejected event's letter, as ingestion names it (by kind and messageId).
    const letter = await app.services.deadLetters.byId(createHash('sha256').update(`EVENT\n${u}-bad`).digest('hex').slice(0, 32));
    expect(letter).toMatchObject({ messageId: `${u}-bad`, code: 'MISSING_FIELD' });
  });

  it('refuses an entry nested too deep as ingestion refuses it, alone, instead of failing its batch until it is dead', async () => {
    const u = unique();
    const settings = settingsFor(u, { INGEST_WORKER_MAX_DELIVERIES: '2', INGEST_WORKER_CLAIM_IDLE_MS: '50', INGEST_WORKER_CLAIM_INTERVAL_MS: '100' });
    const stream = new IngestStream(redis, settings);
    await stream.append([{ messageId: `${u}-1`, type: 'IDENTIFY', userId: `${u}-user-1` }]);
    // Written by another producer: text JSON.stringify could not even produce.
    const deep = `{"messageId":"${u}-deep","type":"IDENTIFY","userId":"${u}-deep","traits":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}`;
    await redis.xadd(settings.streamKey, '*', 'event', deep);
    await stream.append([{ messageId: `${u}-2`, type: 'IDENTIFY', userId: `${u}-user-2` }]);

    const worker = new StreamWorker({ redisUrl: process.env.REDIS_URL!, settings, ingestion: app.services.ingestion, metrics: createMetrics(), logger: createLogger('silent') });
    worker.start();
    try {
      await eventually('stream length', () => redis.xlen(settings.streamKey), (n) => n === 0);
    } finally {
      await worker.stop();
    }
    expect(await deadLetters(redis, settings.deadLetterKey)).toEqual([]);
    const again = await app.services.ingestion.ingestEvents([1, 2].map((i) => ({ messageId: `${u}-${i}`, type: 'IDENTIFY', userId: `${u}-user-${i}` })));
    expect(again.map((r) => r.outcome)).toEqual(['DUPLICATE', 'DUPLICATE']);
    const letter = await app.services.deadLetters.byId(createHash('sha256').update(`EVENT\n${u}-deep`).digest('hex').slice(0, 32));
    expect(letter).toMatchObject({ code: 'PAYLOAD_TOO_DEEP', attempts: 1 });
    expect(JSON.parse(letter!.payload)).toEqual({ messageId: `${u}-deep`, type: 'IDENTIFY', userId: `${u}-deep` });
  });

  it('moves a poison message to the dead-letter stream after N deliveries, with its reason, and applies the rest of its batch', async () => {
    const u = unique();
    const settings = settingsFor(u, { INGEST_WORKER_MAX_DELIVERIES: '3', INGEST_WORKER_CLAIM_IDLE_MS: '50', INGEST_WORKER_CLAIM_INTERVAL_MS: '100' });
    const stream = new IngestStream(redis, settings);
    const good = [1, 2, 3, 4].map((i) => ({ messageId: `${u}-${i}`, type: 'IDENTIFY', userId: `${u}-user-${i}` }));
    const poison = { messageId: `${u}-poison`, type: 'IDENTIFY', userId: `${u}-user-poison` };
    const [, , poisonId] = await stream.append([good[0], good[1], poison, good[2], good[3]]);
    const unreadableId = await redis.xadd(settings.streamKey, '*', 'event', 'not json');

    let poisonAttempts = 0;
    // The real ingestion path, except that this one message crashes it, as a bug triggered by its content would.
    const ingestion = {
      ingestEvents: (events: RawEvent[]) => {
        if (events.some((e) => e.messageId === poison.messageId)) {
          poisonAttempts += 1;
          return Promise.reject(new Error('resolution crashed on this message'));
        }
        return app.services.ingestion.ingestEvents(events);
      },
    };
    const metrics = createMetrics();
    const worker = new StreamWorker({ redisUrl: process.env.REDIS_URL!, settings, ingestion, metrics, logger: createLogger('silent') });
    worker.start();
    try {
      await eventually('dead letters', () => deadLetters(redis, settings.deadLetterKey), (letters) => letters.length === 2);
      await eventually('stream length', () => redis.xlen(settings.streamKey), (n) => n === 0);
    } finally {
      await worker.stop();
    }

    const letters = await deadLetters(redis, settings.deadLetterKey);
    const byOrigin = Object.fromEntries(letters.map((l) => [l.fields.originalId, l.fields]));
    expect(byOrigin[unreadableId!]).toMatchObject({ reason: 'UNREADABLE', stream: settings.streamKey, event: 'not json', deliveries: '1' });
    expect(byOrigin[poisonId]).toMatchObject({ reason: 'FAILED', error: 'resolution crashed on this message', deliveries: '3', stream: settings.streamKey });
    expect(JSON.parse(byOrigin[poisonId].event)).toEqual(poison);
    // First delivery: in its batch, then alone; two more deliveries after reclaims, alone.
    expect(poisonAttempts).toBe(4);
    expect(await metrics.streamDeadLettered.get()).toMatchObject({ values: expect.arrayContaining([expect.objectContaining({ value: 1, labels: { reason: 'FAILED' } })]) });
    expect(await pendingCount(redis, settings.streamKey, settings.group)).toBe(0);

    const again = await app.services.ingestion.ingestEvents([...good, poison]);
    expect(again.map((r) => r.outcome)).toEqual(['DUPLICATE', 'DUPLICATE', 'DUPLICATE', 'DUPLICATE', 'CREATED']);
  });
});
