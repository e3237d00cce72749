import { BUILT_IN_IDENTIFIER_TYPES } from '../../src/kernel/identifier-types';
import { CypherRegistry } from '../../src/infra/neo4j/cypher-registry';
import { RetryableConflict } from '../../src/infra/neo4j/database';
import { createLogger } from '../../src/observability/logger';
import { RetentionJob } from '../../src/retention/retention-job';
import type { MembershipChange } from '../../src/kernel/membership-change';
import type { ReportedEffects } from '../../src/writes/effects';
import { gql, quietSegment, startTestApp, unique, type TestApp } from '../support/test-app';

const INGEST = /* GraphQL */ `
  mutation Ingest($events: [IdentityEventInput!]!) { ingestEvents(events: $events) { results { outcome customerId } } }
`;
const CREATE_SEGMENT = /* GraphQL */ `
  mutation Create($name: String!, $definition: JSON!) { createSegment(name: $name, definition: $definition) { id } }
`;
const SET_CONSENT = /* GraphQL */ `
  mutation Set($customerId: ID!, $purpose: String!, $occurredAt: DateTimeISO!) {
    setConsent(customerId: $customerId, purpose: $purpose, status: GRANTED, source: "preference-center", occurredAt: $occurredAt) { duplicate }
  }
`;
const ERASE = /* GraphQL */ `mutation Erase($id: ID!) { eraseCustomer(id: $id, reason: "ticket DSR-11") { id } }`;
const BY_USER_ID = /* GraphQL */ `query ByUserId($value: String!) { customerByIdentifier(type: USER_ID, value: $value) { id } }`;

const DAY = 86_400_000;

type Seen = { [K in keyof ReportedEffects]: ReportedEffects[K][number][] };
const copy = (effects: ReportedEffects): Seen => ({
  customers: [...effects.customers],
  consents: [...effects.consents],
  touches: [...effects.touches],
  memberships: [...effects.memberships],
  reviews: [...effects.reviews],
});

/**
 * One extra consequence, registered as a next capability would register its own, sees what every kind of write
 * reported and what the consequences before it derived (segment re-evaluation), in the transaction and after commit.
 *
 * The app runs on a clock in 1999, years before any other test's data: the window scheduler and the retention job
 * act on what is due or old by that clock across the shared database, so they only reach what this file made.
 */
describe('unit of work', () => {
  let app: TestApp;
  let now = Date.parse('1999-06-01T12:00:00Z');
  const at = (offsetMs = 0) => new Date(now + offsetMs).toISOString();
  const inTransaction: Seen[] = [];
  const committed: Seen[] = [];
  let failInTransaction = false;
  let unregister: () => void;

  beforeAll(async () => {
    app = await startTestApp({ clock: () => new Date(now) });
    unregister = app.writes.register({
      name: 'probe',
      async inTransaction(_tx, effects) {
        inTransaction.push(copy(effects));
        if (failInTransaction) throw new Error('the probe fails the transaction');
      },
      afterCommit(effects) {
        committed.push(copy(effects));
      },
    });
  });
  afterAll(async () => {
    unregister();
    await app.close();
  });
  beforeEach(() => {
    inTransaction.length = 0;
    committed.length = 0;
  });

  const ingest = async (events: Record<string, unknown>[]) => (await gql(app, INGEST, { events })).ingestEvents.results;
  const createSegment = async (definition: unknown): Promise<string> => {
    const { createSegment: segment } = await gql(app, CREATE_SEGMENT, { name: unique('segment'), definition });
    await app.segments.population.drain();
    return segment.id;
  };
  const identify = async (traits: Record<string, unknown> = {}) => {
    const [result] = await ingest([{ messageId: unique(), type: 'IDENTIFY', userId: unique('u'), traits, timestamp: at() }]);
    return result.customerId as string;
  };
  /** Every committed write's effects, joined: a step may take more than one transaction. */
  const allCommitted = (): Seen => ({
    customers: committed.flatMap((s) => s.customers),
    consents: committed.flatMap((s) => s.consents),
    touches: committed.flatMap((s) => s.touches),
    memberships: committed.flatMap((s) => s.memberships),
    reviews: committed.flatMap((s) => s.reviews),
  });
  const membership = (segmentId: string, customerId: string, change: MembershipChange['change']) =>
    expect.objectContaining({ segmentId, customerId, change });

  it('sees what an ingest changed, with the consent diff and the memberships re-evaluation decided in the same transaction', async () => {
    const city = unique('City');
    const segmentId = await createSegment({ attribute: 'city', eq: city });
    committed.length = 0;
    inTransaction.length = 0;

    const consent = { consent: { categoryPreferences: { analytics: true } } };
    const [result] = await ingest([{ messageId: unique(), type: 'IDENTIFY', userId: unique('u'), traits: { city }, timestamp: at(), context: consent }]);
    const { customerId } = result;

    expect(committed).toHaveLength(1);
    expect(committed[0]).toEqual(inTransaction[0]);
    expect(committed[0].customers).toEqual([{ customerId, change: 'CREATED', mergedInto: null }]);
    expect(committed[0].consents).toEqual([expect.objectContaining({ customerId, purpose: 'analytics', status: 'GRANTED', previousStatus: null })]);
    expect(committed[0].touches).toEqual([{ customerId, reads: 'ALL' }]);
    expect(committed[0].memberships).toEqual([membership(segmentId, customerId, 'ENTERED')]);
  });

  it('sees what setConsent changed, and the segments that read that consent re-evaluated', async () => {
    const customerId = await identify();
    const readsConsent = await createSegment({ consent: 'marketing_sms', status: 'GRANTED' });
    committed.length = 0;

    expect((await gql(app, SET_CONSENT, { customerId, purpose: 'marketing_sms', occurredAt: at() })).setConsent.duplicate).toBe(false);
    const [seen] = committed;
    expect(committed).toHaveLength(1);
    expect(seen.customers).toEqual([{ customerId, change: 'UPDATED', mergedInto: null }]);
    expect(seen.consents).toEqual([expect.objectContaining({ customerId, purpose: 'marketing_sms', status: 'GRANTED', previousStatus: null })]);
    expect(seen.touches).toEqual([{ customerId, reads: new Set(['consent:marketing_sms']) }]);
    expect(seen.memberships).toEqual([membership(readsConsent, customerId, 'ENTERED')]);

    // The same statement again changes nothing: a write that reports nothing publishes nothing.
    committed.length = 0;
    expect((await gql(app, SET_CONSENT, { customerId, purpose: 'marketing_sms', occurredAt: at() })).setConsent.duplicate).toBe(true);
    expect(committed).toEqual([{ customers: [], consents: [], touches: [], memberships: [], reviews: [] }]);
  });

  it('sees the memberships a whole-population run decides, batch by batch', async () => {
    const city = unique('City');
    const [x, y] = [await identify({ city }), await identify({ city })];
    committed.length = 0;

    const segmentId = await createSegment({ attribute: 'city', eq: city });
    const seen = allCommitted();
    const entered = seen.memberships.filter((c) => c.segmentId === segmentId);
    expect(entered).toHaveLength(2);
    expect(entered).toEqual(expect.arrayContaining([membership(segmentId, x, 'ENTERED'), membership(segmentId, y, 'ENTERED')]));
    expect(seen.customers).toEqual([]);
  });

  it('sees the memberships the window scheduler decides as time passes', async () => {
    const event = unique('Ordered ');
    const userId = unique('u');
    const segmentId = await createSegment({ event, count: { gte: 1 }, within: { days: 7 } });
    const [{ customerId }] = await ingest([{ messageId: unique(), type: 'TRACK', event, userId, timestamp: at(-6 * DAY) }]);
    expect(allCommitted().memberships).toContainEqual(membership(segmentId, customerId, 'ENTERED'));
    committed.length = 0;

    now += 2 * DAY;
    await app.segments.windows.runDue();
    expect(allCommitted().memberships).toContainEqual(membership(segmentId, customerId, 'EXITED'));
  });

  it('sees the memberships an erasure ends', async () => {
    const city = unique('City');
    const customerId = await identify({ city });
    const segmentId = await createSegment({ attribute: 'city', eq: city });
    committed.length = 0;

    const { eraseCustomer } = await gql(app, ERASE, { id: customerId });
    await app.services.erasure.settled(eraseCustomer.id);
    expect(allCommitted().memberships).toEqual([membership(segmentId, customerId, 'EXITED')]);
  });

  it('sees the memberships retention ends with the anonymous profiles it removes', async () => {
    const event = unique('Visited ');
    const segmentId = await createSegment({ event });
    const [{ customerId }] = await ingest([{ messageId: unique(), type: 'TRACK', event, anonymousId: unique('a'), timestamp: at() }]);
    committed.length = 0;

    const job = new RetentionJob(
      app.writes,
      new CypherRegistry(),
      { anonymousProfileDays: 30, sourceRecordDays: 0, deadLetterDays: 0, intervalMinutes: 0, batchSize: 500 },
      BUILT_IN_IDENTIFIER_TYPES.anonymousTypes,
      createLogger('silent'),
      () => new Date(now + 60 * DAY),
    );
    await job.run();
    expect(allCommitted().memberships).toContainEqual(membership(segmentId, customerId, 'EXITED'));
  });

  it('publishes nothing, and owes nothing to the feed, when the transaction rolls back', async () => {
    const segmentId = await quietSegment(app);
    await app.segments.population.drain();
    const heard: MembershipChange[] = [];
    const stopListening = app.feed.listen((entry) => heard.push(entry));
    const published = jest.spyOn(app.pubSub, 'publish');
    const userId = unique('u');
    committed.length = 0;
    inTransaction.length = 0;
    failInTransaction = true;
    try {
      // A real write: the probe, after the outbox recorded the memberships, fails the transaction.
      await expect(app.services.ingestion.ingestEvents([{ messageId: unique(), type: 'IDENTIFY', userId, traits: {} }])).rejects.toThrow('the probe fails');
      const changed = unique('customer');
      await expect(
        app.writes.run(async (_tx, effects) => {
          effects.customersChanged([{ customerId: changed, change: 'UPDATED', mergedInto: null }]);
          effects.membershipsChanged([{ segmentId, customerId: changed, change: 'ENTERED', at: at(), sequence: 1 }]);
        }),
      ).rejects.toThrow('the probe fails');
    } finally {
      failInTransaction = false;
    }
    // The consequences ran in the transaction and saw the effects; after it rolled back, none ran after commit.
    expect(inTransaction.map((s) => s.customers.length)).toEqual([1, 1]);
    expect(inTransaction[1].memberships).toEqual([membership(segmentId, expect.any(String), 'ENTERED')]);
    expect(committed).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(published).not.toHaveBeenCalled();
    expect(heard.filter((c) => c.segmentId === segmentId)).toEqual([]);
    published.mockRestore();
    stopListening();
    expect((await gql(app, BY_USER_ID, { value: userId })).customerByIdentifier).toBeNull();
    const [{ owed }] = await app.db.read<{ owed: number }>('MATCH (o:FeedOutbox) WHERE o.changes CONTAINS $id RETURN count(o) AS owed', { id: segmentId });
    expect(owed).toBe(0);
  });

  it('a retried transaction reports its effects once: each attempt starts with none', async () => {
    const customerId = unique('customer');
    let attempts = 0;
    await app.writes.run(async (_tx, effects) => {
      effects.customersChanged([{ customerId, change: 'UPDATED', mergedInto: null }]);
      if (++attempts === 1) throw new RetryableConflict('the graph changed under the first attempt');
    });
    expect(attempts).toBe(2);
    expect(inTransaction.map((s) => s.customers)).toEqual([[{ customerId, change: 'UPDATED', mergedInto: null }]]);
    expect(committed).toEqual([{ customers: [{ customerId, change: 'UPDATED', mergedInto: null }], consents: [], touches: [], memberships: [], reviews: [] }]);
  });
});
