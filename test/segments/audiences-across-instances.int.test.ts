import type { Client } from 'graphql-ws';
import { Redis } from 'ioredis';
import { startApiProcesses, tokenForProcesses, type ApiProcess } from '../support/api-processes';
import { subscribe } from '../support/subscriber';
import { unique } from '../support/test-app';
import { postGraphQL, wsClient } from '../support/transports';

const INGEST = `mutation($events: [IdentityEventInput!]!) { ingestEvents(events: $events) { results { customerId outcome } } }`;
const CREATE = `mutation($name: String!, $definition: JSON!) { createSegment(name: $name, definition: $definition) { id } }`;
const STATUS = `query($id: ID!) { segment(id: $id) { status } }`;
const SET_CONSENT = `mutation($customerId: ID!, $status: ConsentStatus!, $occurredAt: DateTimeISO!) {
  setConsent(customerId: $customerId, purpose: "marketing_email", status: $status, source: "preference-center", occurredAt: $occurredAt) { customerId }
}`;
const CHANGES = `subscription($segmentIds: [ID!]!, $after: String) {
  segmentMembershipChanged(segmentIds: $segmentIds, after: $after) { segmentId customerId change cursor }
}`;

type Change = { segmentId: string; customerId: string; change: 'ENTERED' | 'EXITED'; cursor: string };

/**
 * Real-time audiences end to end, on two API processes sharing Neo4j and Redis: a change ingested on A is evaluated
 * there, appended to the feed, and pushed to a subscriber on B; a subscriber that was away catches up by cursor.
 */
describe('audiences across instances', () => {
  const feedKey = `c360:test:feed:${unique()}`;
  let a: ApiProcess;
  let b: ApiProcess;
  let stopAll: () => Promise<void>;
  let token: string;
  let redis: Redis;
  const clients: Client[] = [];

  beforeAll(async () => {
    const started = await startApiProcesses(2, { FEED_KEY: feedKey });
    [a, b] = started.instances;
    stopAll = started.stop;
    token = await tokenForProcesses('admin');
    redis = new Redis(process.env.REDIS_URL!);
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await redis?.del(feedKey);
    redis?.disconnect();
    await stopAll?.();
  });

  const call = async (instance: ApiProcess, query: string, variables: Record<string, unknown>) => {
    const response = await postGraphQL(instance.url, { query, variables }, token);
    expect(response.errors).toBeUndefined();
    return response.data;
  };
  const ingestOn = async (instance: ApiProcess, events: Record<string, unknown>[]) =>
    (await call(instance, INGEST, { events })).ingestEvents.results as { customerId: string; outcome: string }[];
  const identify = (userId: string, traits: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    messageId: unique(),
    type: 'IDENTIFY',
    userId,
    traits,
    ...extra,
  });
  /** A segment made on A and evaluated over everyone (give it a member first, so the feed has a cursor to start after). */
  const readySegment = async (definition: unknown) => {
    const { createSegment } = await call(a, CREATE, { name: unique('audience'), definition });
    for (;;) {
      if ((await call(a, STATUS, { id: createSegment.id })).segment.status === 'READY') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return createSegment.id as string;
  };
  /** The newest cursor of the feed: subscribing after it cannot miss what comes next, however long B takes. */
  const latestCursor = async () => {
    const [[id]] = (await redis.xrevrange(feedKey, '+', '-', 'COUNT', 1)) as [string, string[]][];
    return id;
  };
  const subscriberOn = (instance: ApiProcess, segmentId: string, after: string) => {
    const client = wsClient(instance.url, token);
    clients.push(client);
    return { client, subscription: subscribe(client, CHANGES, { segmentIds: [segmentId], after }) };
  };
  const changesOf = (events: any[]): Change[] => events.map((e) => e.segmentMembershipChanged);

  it('a subscriber on B receives ENTERED within a second of an ingest on A', async () => {
    const city = unique('City');
    await ingestOn(a, [identify(unique('u'), { city })]);
    const segmentId = await readySegment({ attribute: 'city', eq: city });
    const { subscription } = subscriberOn(b, segmentId, await latestCursor());

    const [joined] = await ingestOn(a, [identify(unique('u'), { city })]);
    const [event] = changesOf(await subscription.received(1));
    // How soon is bench:audience's to measure (a timed assertion here would measure the machine's load).
    expect(event).toMatchObject({ segmentId, customerId: joined.customerId, change: 'ENTERED' });
  });

  it('a subscriber that reconnects with its cursor gets every missed change once, in order, then live ones', async () => {
    const city = unique('City');
    await ingestOn(a, [identify(unique('u'), { city })]);
    const segmentId = await readySegment({ attribute: 'city', eq: city });
    const first = subscriberOn(b, segmentId, await latestCursor());
    const [x] = await ingestOn(a, [identify(unique('u'), { city })]);
    const [seen] = changesOf(await first.subscription.received(1));
    expect(seen).toMatchObject({ customerId: x.customerId, change: 'ENTERED' });
    first.subscription.stop();
    await first.client.dispose();

    // While it is away: two enter, the first one leaves.
    const [y] = await ingestOn(a, [identify(unique('u'), { city })]);
    const [z] = await ingestOn(b, [identify(unique('u'), { city })]);
    const xUser = (await userIdOf(x.customerId)) ?? '';
    await ingestOn(a, [identify(xUser, { city: unique('Elsewhere') })]);

    const again = subscriberOn(b, segmentId, seen.cursor);
    const missed = changesOf(await again.subscription.received(3));
    expect(missed.map(({ customerId, change }) => ({ customerId, change }))).toEqual([
      { customerId: y.customerId, change: 'ENTERED' },
      { customerId: z.customerId, change: 'ENTERED' },
      { customerId: x.customerId, change: 'EXITED' },
    ]);
    expect(new Set(missed.map((m) => m.cursor)).size).toBe(3);

    const [live] = await ingestOn(a, [identify(unique('u'), { city })]);
    const all = changesOf(await again.subscription.received(4));
    expect(all[3]).toMatchObject({ customerId: live.customerId, change: 'ENTERED' });
    expect(all).toHaveLength(4);
  });

  it('pushes EXITED when the consent a segment requires is withdrawn', async () => {
    const city = unique('City');
    const [member] = await ingestOn(a, [
      identify(unique('u'), { city }, { context: { consent: { categoryPreferences: { marketing_email: true } } } }),
    ]);
    const segmentId = await readySegment({ all: [{ attribute: 'city', eq: city }, { consent: 'marketing_email' }] });
    const { subscription } = subscriberOn(b, segmentId, await latestCursor());

    await call(a, SET_CONSENT, { customerId: member.customerId, status: 'WITHDRAWN', occurredAt: new Date().toISOString() });
    const [event] = changesOf(await subscription.received(1));
    expect(event).toMatchObject({ segmentId, customerId: member.customerId, change: 'EXITED' });
  });

  /** The userId a customer was created with, to send it another event. */
  async function userIdOf(customerId: string): Promise<string | null> {
    const query = `query($id: ID!) { customer(id: $id) { identifiers { type value } } }`;
    const { customer } = await call(a, query, { id: customerId });
    return customer.identifiers.find((i: { type: string }) => i.type === 'USER_ID')?.value ?? null;
  }
});
