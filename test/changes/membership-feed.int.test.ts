import type { Client } from 'graphql-ws';
import { Redis } from 'ioredis';
import type { MembershipFeed } from '../../src/changes/membership-feed';
import { MemoryMembershipFeed } from '../../src/changes/memory-membership-feed';
import { RedisMembershipFeed } from '../../src/changes/redis-membership-feed';
import { createLogger } from '../../src/observability/logger';
import type { FeedEntry, MembershipChange } from '../../src/kernel/membership-change';
import { subscribe } from '../support/subscriber';
import { quietSegment, startTestApp, tokenFor, unique, type TestApp } from '../support/test-app';
import { wsClient } from '../support/transports';

const SUBSCRIPTION = `subscription($segmentIds: [ID!]!, $after: String) {
  segmentMembershipChanged(segmentIds: $segmentIds, after: $after) { segmentId customerId change at cursor sequence }
}`;

const change = (segmentId: string, customerId: string, kind: 'ENTERED' | 'EXITED' = 'ENTERED'): MembershipChange => ({
  segmentId,
  customerId,
  change: kind,
  at: '2026-03-01T10:00:00.000Z',
  sequence: 1,
});
const asEvent = (entry: FeedEntry) => ({ segmentMembershipChanged: entry });

/** Without REDIS_URL the app runs the in-memory feed, as `npm start` does by default. */
const WITHOUT_REDIS = { REDIS_URL: undefined as unknown as string };

describe.each([
  ['the Redis Stream feed', () => ({ FEED_KEY: `c360:test:feed:${unique()}` })],
  ['the in-memory feed', () => WITHOUT_REDIS],
])('segmentMembershipChanged over %s', (_name, env) => {
  let app: TestApp;
  let url: string;
  let token: string;
  const clients: Client[] = [];
  const client = () => {
    const created = wsClient(url, token);
    clients.push(created);
    return created;
  };
  beforeAll(async () => {
    app = await startTestApp({ env: { ...env(), WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: '2' } });
    url = await app.listen('127.0.0.1', 0);
    token = await tokenFor(app, 'analyst');
  });
  afterAll(async () => {
    await Promise.all(clients.map((created) => created.dispose()));
    await app.close();
  });

  it('gives a client that reconnects with its cursor every missed change exactly once, in order, then the live ones', async () => {
    const segment = await quietSegment(app);
    const other = unique('seg');
    const [start] = await app.feed.append([change(segment, unique('c'))]);

    const first = client();
    const before = subscribe(first, SUBSCRIPTION, { segmentIds: [segment], after: start.cursor });
    const seen = await app.feed.append([change(segment, unique('c')), change(other, unique('c')), change(segment, unique('c'), 'EXITED')]);
    expect(await before.received(2)).toEqual([asEvent(seen[0]), asEvent(seen[2])]);
    await first.dispose();

    const missed = await app.feed.append([change(segment, unique('c')), change(other, unique('c')), change(segment, unique('c'))]);
    const missedToo = await app.feed.append([change(segment, unique('c'), 'EXITED')]);
    const after = subscribe(client(), SUBSCRIPTION, { segmentIds: [segment, await quietSegment(app)], after: seen[2].cursor });
    expect(await after.received(3)).toEqual([asEvent(missed[0]), asEvent(missed[2]), asEvent(missedToo[0])]);

    const live = await app.feed.append([change(other, unique('c')), change(segment, unique('c'))]);
    expect(await after.received(4)).toEqual([asEvent(missed[0]), asEvent(missed[2]), asEvent(missedToo[0]), asEvent(live[1])]);
    // One more live change proves nothing came twice in between.
    const last = await app.feed.append([change(segment, unique('c'))]);
    expect(await after.received(5)).toEqual([asEvent(missed[0]), asEvent(missed[2]), asEvent(missedToo[0]), asEvent(live[1]), asEvent(last[0])]);
    expect(after.events).toHaveLength(5);
  });

  it('answers a malformed cursor with BAD_USER_INPUT and one the feed never gave with CURSOR_EXPIRED', async () => {
    const segmentIds = [await quietSegment(app)];
    const malformed = await subscribe(client(), SUBSCRIPTION, { segmentIds, after: 'not-a-cursor' }).failure();
    expect(malformed).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
    const ahead = await subscribe(client(), SUBSCRIPTION, { segmentIds, after: '99999999999999-0' }).failure();
    expect(ahead).toEqual([expect.objectContaining({ extensions: { code: 'CURSOR_EXPIRED', reason: 'UNKNOWN_TO_FEED' } })]);
  });

  it('answers ids that name no segment with NOT_FOUND, naming them, instead of a subscription that never hears anything', async () => {
    const known = await quietSegment(app);
    const missing = unique('no-such-segment');
    const refused = await subscribe(client(), SUBSCRIPTION, { segmentIds: [known, missing] }).failure();
    expect(refused).toEqual([
      expect.objectContaining({ extensions: { code: 'NOT_FOUND', argument: 'segmentIds', unknown: [missing] }, message: expect.stringContaining(missing) }),
    ]);
  });

  it('refuses a subscription past the per-connection limit with TOO_MANY_SUBSCRIPTIONS, and takes it once one ends', async () => {
    const shared = client();
    const segment = await quietSegment(app);
    const [start] = await app.feed.append([change(segment, unique('c'))]);
    const one = subscribe(shared, SUBSCRIPTION, { segmentIds: [segment], after: start.cursor });
    const two = subscribe(shared, SUBSCRIPTION, { segmentIds: [segment], after: start.cursor });
    const [entry] = await app.feed.append([change(segment, unique('c'))]);
    await Promise.all([one.received(1), two.received(1)]);

    const refused = await subscribe(shared, SUBSCRIPTION, { segmentIds: [segment] }).failure();
    expect(refused).toEqual([expect.objectContaining({ extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', maxSubscriptions: 2 } })]);

    one.stop();
    const third = subscribe(shared, SUBSCRIPTION, { segmentIds: [segment], after: start.cursor });
    expect(await third.received(1)).toEqual([asEvent(entry)]);
  });

  it('delivers a purpose-bound token ENTERED of consenting customers only, and EXITED of those who ever granted the purpose', async () => {
    const u = unique();
    const [consenting, silent, withdrawn] = await app.services.ingestion.ingestEvents([
      { messageId: `${u}-1`, type: 'IDENTIFY', userId: `${u}-a` },
      { messageId: `${u}-2`, type: 'IDENTIFY', userId: `${u}-b` },
      { messageId: `${u}-3`, type: 'IDENTIFY', userId: `${u}-c` },
    ]);
    const state = (customerId: string, status: 'GRANTED' | 'WITHDRAWN', day: number) =>
      app.services.consent.setConsent({
        customerId,
        purpose: 'marketing_email',
        status,
        source: 'app',
        occurredAt: new Date(`2026-01-0${day}T00:00:00Z`),
        recordedBy: 'test',
      });
    await state(consenting.customerId!, 'GRANTED', 5);
    await state(withdrawn.customerId!, 'GRANTED', 5);
    await state(withdrawn.customerId!, 'WITHDRAWN', 6);
    const segment = await quietSegment(app);
    const [start] = await app.feed.append([change(segment, consenting.customerId!)]);
    const entries = await app.feed.append([
      change(segment, silent.customerId!),
      change(segment, consenting.customerId!),
      // Never consented: the token never saw it enter, and must not learn it exists by seeing it leave.
      change(segment, silent.customerId!, 'EXITED'),
      // Consented once: the token may hold it, and must hear it leave.
      change(segment, withdrawn.customerId!, 'EXITED'),
    ]);
    const purposeToken = await tokenFor(app, 'marketer', { purpose: 'marketing_email' });
    const purposeClient = wsClient(url, purposeToken);
    clients.push(purposeClient);
    const marketer = subscribe(
      purposeClient,
      `subscription($segmentIds: [ID!]!, $after: String) {
        segmentMembershipChanged(segmentIds: $segmentIds, after: $after) { customerId change cursor customer { id } }
      }`,
      { segmentIds: [segment], after: start.cursor },
    );
    const [marker] = await app.feed.append([change(segment, consenting.customerId!)]);
    expect(await marketer.received(3)).toEqual([
      { segmentMembershipChanged: { customerId: consenting.customerId, change: 'ENTERED', cursor: entries[1].cursor, customer: { id: consenting.customerId } } },
      { segmentMembershipChanged: { customerId: withdrawn.customerId, change: 'EXITED', cursor: entries[3].cursor, customer: null } },
      { segmentMembershipChanged: { customerId: consenting.customerId, change: 'ENTERED', cursor: marker.cursor, customer: { id: consenting.customerId } } },
    ]);
  });

  it('needs an authenticated token with the segments:read scope', async () => {
    const anonymous = wsClient(url);
    clients.push(anonymous);
    const refused = await subscribe(anonymous, SUBSCRIPTION, { segmentIds: [unique('seg')] }).failure();
    expect(refused).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) })]);
  });

  it('ends the subscription when the token expires', async () => {
    const shortLived = wsClient(url, await tokenFor(app, 'analyst', { ttlSeconds: 2 }));
    clients.push(shortLived);
    const ended = await subscribe(shortLived, SUBSCRIPTION, { segmentIds: [await quietSegment(app)] }).failure();
    expect(ended).toMatchObject({ code: 4403, reason: 'Forbidden: token expired' });
  });
});

describe('retention of the feed', () => {
  const logger = createLogger('silent');
  const changes = (count: number, segmentId = unique('seg')) => Array.from({ length: count }, () => change(segmentId, unique('c')));

  it('keeps exactly FEED_MAX_LENGTH entries in memory; a cursor before them is expired', async () => {
    const feed: MembershipFeed = new MemoryMembershipFeed(10);
    const entries = await feed.append(changes(25));
    await expect(feed.readAfter(entries[0].cursor, 100)).rejects.toMatchObject({ extensions: { code: 'CURSOR_EXPIRED', reason: 'OLDER_THAN_RETAINED' } });
    expect(await feed.readAfter(entries[14].cursor, 100)).toEqual(entries.slice(15));
    expect(await feed.readAfter(entries[14].cursor, 4)).toEqual(entries.slice(15, 19));
  });

  it('calls a cursor from before the in-memory feed restarted UNKNOWN_TO_FEED, not a retention limit', async () => {
    let now = new Date('2026-03-01T10:00:00Z');
    const before = await new MemoryMembershipFeed(10, () => now).append(changes(1));
    now = new Date('2026-03-01T11:00:00Z');
    const restarted = new MemoryMembershipFeed(10, () => now);
    await restarted.append(changes(1));
    const refused = restarted.readAfter(before[0].cursor, 100);
    await expect(refused).rejects.toMatchObject({ extensions: { code: 'CURSOR_EXPIRED', reason: 'UNKNOWN_TO_FEED' } });
    await expect(refused).rejects.toThrow(/reset/);
  });

  it('trims the Redis Stream to about FEED_MAX_LENGTH (at most one stream node more); a cursor before it is expired', async () => {
    const redis = new Redis(process.env.REDIS_URL!);
    const key = `c360:test:feed:${unique()}`;
    const feed = await RedisMembershipFeed.start({ redis, url: process.env.REDIS_URL!, key, maxLength: 10, logger });
    try {
      const entries = await feed.append(changes(350));
      const [, nodeSize] = (await redis.config('GET', 'stream-node-max-entries')) as [string, string];
      const length = await redis.xlen(key);
      expect(length).toBeGreaterThanOrEqual(10);
      expect(length).toBeLessThanOrEqual(10 + Number(nodeSize));
      await expect(feed.readAfter(entries[0].cursor, 100)).rejects.toMatchObject({ extensions: { code: 'CURSOR_EXPIRED', reason: 'OLDER_THAN_RETAINED' } });
      const firstRetained = entries.length - length;
      expect(await feed.readAfter(entries[firstRetained].cursor, 500)).toEqual(entries.slice(firstRetained + 1));
    } finally {
      await feed.close();
      await redis.del(key);
      redis.disconnect();
    }
  });
});
