import type { Client } from 'graphql-ws';
import { Redis } from 'ioredis';
import { RedisMembershipFeed } from '../../src/changes/redis-membership-feed';
import { createLogger } from '../../src/observability/logger';
import type { FeedEntry, MembershipChange } from '../../src/kernel/membership-change';
import { startApiProcesses, tokenForProcesses, type ApiProcess } from '../support/api-processes';
import { subscribe, type Subscriber } from '../support/subscriber';
import { QUIET_SEGMENT, unique } from '../support/test-app';
import { postGraphQL, wsClient } from '../support/transports';

const INGEST = `mutation($events: [IdentityEventInput!]!) { ingestEvents(events: $events) { results { customerId } } }`;

/** Two API instances as separate processes on the same Neo4j and Redis: what one changes, the other's subscribers hear. */
describe('subscriptions across instances', () => {
  const feedKey = `c360:test:feed:${unique()}`;
  let stopAll: () => Promise<void>;
  let a: ApiProcess;
  let b: ApiProcess;
  let token: string;
  let redis: Redis;
  let feed: RedisMembershipFeed;
  const clients: Client[] = [];
  beforeAll(async () => {
    const started = await startApiProcesses(2, { FEED_KEY: feedKey });
    [a, b] = started.instances;
    stopAll = started.stop;
    token = await tokenForProcesses('admin');
    redis = new Redis(process.env.REDIS_URL!);
    // Segment evaluation is not part of this test: it appends to the instances' feed the way evaluation will.
    feed = await RedisMembershipFeed.start({ redis, url: process.env.REDIS_URL!, key: feedKey, maxLength: 1000, logger: createLogger('silent') });
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await feed?.close();
    await redis?.del(feedKey);
    redis?.disconnect();
    await stopAll?.();
  });
  const quietSegment = async () => {
    const response = await postGraphQL(a.url, { query: QUIET_SEGMENT.query, variables: QUIET_SEGMENT.variables() }, token);
    expect(response.errors).toBeUndefined();
    return response.data.createSegment.id as string;
  };
  const clientOf = (instance: ApiProcess) => {
    const client = wsClient(instance.url, token);
    clients.push(client);
    return client;
  };
  const ingestOn = async (instance: ApiProcess, events: Record<string, unknown>[]) => {
    const response = await postGraphQL(instance.url, { query: INGEST, variables: { events } }, token);
    expect(response.errors).toBeUndefined();
    return response.data.ingestEvents.results as { customerId: string }[];
  };
  /** Pub/sub delivers only to subscriptions Redis already knows: wait until B's has reached it. */
  const subscribedInRedis = async (channel: string) => {
    for (;;) {
      const [, count] = (await redis.pubsub('NUMSUB', channel)) as [string, number];
      if (Number(count) > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  it('pushes customerChanged on B for an ingest on A', async () => {
    const u = unique();
    const [created] = await ingestOn(a, [{ messageId: `${u}-1`, type: 'IDENTIFY', userId: `${u}-u` }]);
    const onB = subscribe(clientOf(b), `subscription($id: ID!) { customerChanged(id: $id) { customerId change customer { email } } }`, {
      id: created.customerId,
    });
    await subscribedInRedis(`c360:pubsub:CUSTOMER_CHANGED:${created.customerId}`);
    await ingestOn(a, [{ messageId: `${u}-2`, type: 'IDENTIFY', userId: `${u}-u`, traits: { email: `${u}@b.test` } }]);
    expect(await onB.received(1)).toEqual([
      { customerChanged: { customerId: created.customerId, change: 'UPDATED', customer: { email: `${u}@b.test` } } },
    ]);
  });

  it('pushes consentChanged on B for a setConsent on A', async () => {
    const u = unique();
    const [created] = await ingestOn(a, [{ messageId: `${u}-1`, type: 'IDENTIFY', userId: `${u}-u` }]);
    const onB = subscribe(clientOf(b), `subscription($id: ID!) { consentChanged(customerId: $id) { customerId purpose status } }`, {
      id: created.customerId,
    });
    await subscribedInRedis(`c360:pubsub:CUSTOMER_CONSENT_CHANGED:${created.customerId}`);
    const response = await postGraphQL(
      a.url,
      {
        query: `mutation($id: ID!) { setConsent(customerId: $id, purpose: "analytics", status: GRANTED, source: "app", occurredAt: "2026-01-05T00:00:00Z") { duplicate } }`,
        variables: { id: created.customerId },
      },
      token,
    );
    expect(response.errors).toBeUndefined();
    expect(await onB.received(1)).toEqual([{ consentChanged: { customerId: created.customerId, purpose: 'analytics', status: 'GRANTED' } }]);
  });

  const SUBSCRIPTION = `subscription($segmentIds: [ID!]!, $after: String) {
    segmentMembershipChanged(segmentIds: $segmentIds, after: $after) { segmentId customerId change at cursor sequence }
  }`;
  const change = (segmentId: string): MembershipChange => ({ segmentId, customerId: unique('c'), change: 'ENTERED', at: new Date().toISOString(), sequence: 1 });
  const cursorsOf = (subscriber: Subscriber) => subscriber.events.map((event) => event.segmentMembershipChanged.cursor as string);

  it('delivers live feed entries appended elsewhere to subscribers on B, in feed order, none missed or doubled', async () => {
    const segment = await quietSegment();
    const onB = subscribe(clientOf(b), SUBSCRIPTION, { segmentIds: [segment] });
    // Without a cursor a subscription hears what is appended after it started: probe until it hears something.
    const appended: FeedEntry[] = [];
    while (onB.events.length === 0) {
      appended.push(...(await feed.append([change(segment)])));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    appended.push(...(await feed.append([change(segment), change(unique('seg')), change(segment)])));
    const wanted = appended.filter((entry) => entry.segmentId === segment);
    const firstHeard = wanted.findIndex((entry) => entry.cursor === cursorsOf(onB)[0]);
    expect(firstHeard).toBeGreaterThanOrEqual(0);
    // A last entry closes the sequence: whatever came twice would sit before it.
    const expected = [...wanted.slice(firstHeard), ...(await feed.append([change(segment)]))];
    expect(await onB.received(expected.length)).toEqual(expected.map((entry) => ({ segmentMembershipChanged: entry })));
    expect(onB.events).toHaveLength(expected.length);
  });

  it('replays on B what was appended while the client was away, then goes live', async () => {
    const segment = await quietSegment();
    const [start] = await feed.append([change(segment)]);
    const missed = await feed.append([change(segment), change(segment)]);
    const onB = subscribe(clientOf(b), SUBSCRIPTION, { segmentIds: [segment], after: start.cursor });
    expect(await onB.received(2)).toEqual(missed.map((entry) => ({ segmentMembershipChanged: entry })));
    const live = await feed.append([change(segment)]);
    expect(await onB.received(3)).toEqual([...missed, ...live].map((entry) => ({ segmentMembershipChanged: entry })));
  });
});
