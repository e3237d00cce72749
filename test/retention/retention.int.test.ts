import { BUILT_IN_IDENTIFIER_TYPES } from '../../src/kernel/identifier-types';
import { CypherRegistry } from '../../src/infra/neo4j/cypher-registry';
import { createLogger } from '../../src/observability/logger';
import { RetentionJob } from '../../src/retention/retention-job';
import type { RetentionSettings } from '../../src/config/config';
import type { MembershipChange } from '../../src/kernel/membership-change';
import { UnitOfWork } from '../../src/writes/unit-of-work';
import { identify, page, track } from '../support/events';
import { ingestEvents, upsertSourceRecords } from '../support/ingest';
import { sourceRecord } from '../support/records';
import { gql, startTestApp, unique, type TestApp } from '../support/test-app';

/**
 * The job removes by time across the whole shared database, so these tests only ever let it reach data they made
 * themselves: their app's clock and event times lie in 2000 and 2001, years no other test writes (they use the
 * real clock, and events from 2024 on), and the job's clock is set just after them.
 */
const DAY = 24 * 60 * 60 * 1000;
const day = (start: string, days: number) => new Date(new Date(start).getTime() + days * DAY);

const PROFILE = /* GraphQL */ `
  query Profile($id: ID!) { customer(id: $id) { id firstName consents { purpose } devices { id } sourceRecords { externalId } } }
`;
const BY_IDENTIFIER = /* GraphQL */ `
  query ByIdentifier($type: IdentifierType!, $value: String!) { customerByIdentifier(type: $type, value: $value) { id } }
`;

describe('retention', () => {
  let app: TestApp;
  let now = new Date('2001-01-01T00:00:00Z');
  beforeAll(async () => {
    app = await startTestApp({ clock: () => now });
    // Deleting customers at the head of the id order would disturb tests that page customers from the start:
    // customers that stay are made first, so this test's removable ones are never among the first pages.
    now = new Date('2001-01-01T00:00:00Z');
    const u = unique('head');
    await ingest(Array.from({ length: 25 }, (_, i) => identify({ messageId: `${u}-${i}`, userId: `${u}-${i}`, timestamp: now.toISOString() })));
  });
  afterAll(() => app.close());

  const ingest = async (events: Record<string, unknown>[]) => (await ingestEvents(app, events)).results;
  const upsert = async (records: Record<string, unknown>[]) => (await upsertSourceRecords(app, records)).results;
  const profile = async (id: string) => (await gql(app, PROFILE, { id })).customer;
  const byIdentifier = async (type: string, value: string) => (await gql(app, BY_IDENTIFIER, { type, value })).customerByIdentifier;
  const published: MembershipChange[] = [];
  // The job's writes have one consequence only: what they would publish after each commit is kept here.
  const writesKeepingPublished = () => {
    const writes = new UnitOfWork(app.db);
    writes.register({ name: 'published memberships', afterCommit: (effects) => void published.push(...effects.memberships) });
    return writes;
  };
  const job = (settings: Partial<RetentionSettings>, at: Date) =>
    new RetentionJob(
      writesKeepingPublished(),
      new CypherRegistry(),
      { anonymousProfileDays: 0, sourceRecordDays: 0, deadLetterDays: 0, intervalMinutes: 0, batchSize: 500, ...settings },
      BUILT_IN_IDENTIFIER_TYPES.anonymousTypes,
      createLogger('silent'),
      () => at,
    );

  it('removes what is past its window with everything hanging off it, keeps the rest, and reports the counts', async () => {
    const u = unique();
    const t0 = '2001-01-10T00:00:00.000Z';
    const at = (days: number) => {
      now = day(t0, days);
      return now.toISOString();
    };

    // An anonymous visitor on two browsers and a tablet, merged into one, with consents and a device: all old.
    let timestamp = at(0);
    const consent = { consent: { categoryPreferences: { analytics: true } } };
    const [visitor] = await ingest([page({ messageId: `${u}-v1`, anonymousId: `${u}-a1`, timestamp, context: consent })]);
    const [tablet] = await ingest([
      page({ messageId: `${u}-v2`, anonymousId: `${u}-a2`, timestamp, context: { device: { id: `${u}-tab`, model: 'iPad' }, ...consent } }),
    ]);
    const [merged] = await ingest([page({ messageId: `${u}-v3`, anonymousId: `${u}-a1`, timestamp, context: { device: { id: `${u}-tab` } } })]);
    expect(merged).toMatchObject({ outcome: 'MERGED', customerId: visitor.customerId });
    // Anonymous too, but it came back recently: its identifier was seen inside the window.
    const [returning] = await ingest([page({ messageId: `${u}-r1`, anonymousId: `${u}-back`, timestamp })]);
    // Old and inactive, but known by email: never removed as anonymous.
    const [known] = await ingest([identify({ messageId: `${u}-k1`, anonymousId: `${u}-k`, traits: { email: `${u}@example.com` }, timestamp })]);
    // An old CRM record, and a rejected event (a dead letter), both from day 0.
    const [crm] = await upsert([
      sourceRecord({ externalId: `${u}-old`, updatedAt: timestamp, attributes: { firstName: 'Olga' }, identifiers: [{ type: 'CRM_ID', value: `${u}-old` }] }),
    ]);
    const [rejectedOld] = await ingest([{ messageId: `${u}-bad-old`, type: 'EXPLODE', userId: `${u}-x`, source: `${u}`, timestamp }]);
    expect(rejectedOld.outcome).toBe('REJECTED');

    timestamp = at(50);
    await ingest([page({ messageId: `${u}-r2`, anonymousId: `${u}-back`, timestamp })]);
    const [freshVisitor] = await ingest([page({ messageId: `${u}-f1`, anonymousId: `${u}-fresh`, timestamp })]);
    const [freshCrm] = await upsert([
      sourceRecord({ externalId: `${u}-new`, updatedAt: timestamp, identifiers: [{ type: 'CRM_ID', value: `${u}-new` }] }),
    ]);
    await ingest([{ messageId: `${u}-bad-new`, type: 'EXPLODE', userId: `${u}-x`, source: `${u}`, timestamp }]);

    const report = await job({ anonymousProfileDays: 30, sourceRecordDays: 30, deadLetterDays: 30, batchSize: 2 }, day(t0, 60)).run();
    expect(report).toEqual([
      { dataClass: 'ANONYMOUS_PROFILE', removed: 1, cutoff: day(t0, 30).toISOString() },
      { dataClass: 'SOURCE_RECORD', removed: 1, cutoff: day(t0, 30).toISOString() },
      { dataClass: 'DEAD_LETTER', removed: 1, cutoff: day(t0, 30).toISOString() },
    ]);

    // The visitor is gone through every id and identifier, with its device.
    expect(await profile(visitor.customerId)).toBeNull();
    expect(await profile(tablet.customerId)).toBeNull();
    expect(await byIdentifier('ANONYMOUS_ID', `${u}-a2`)).toBeNull();
    expect(await byIdentifier('DEVICE_ID', `${u}-tab`)).toBeNull();
    // Its idempotency entries went too: a replay makes a new profile instead of pointing at a removed one.
    now = day(t0, 60);
    const [replay] = await ingest([page({ messageId: `${u}-v1`, anonymousId: `${u}-a1`, timestamp: t0 })]);
    expect(replay.outcome).toBe('CREATED');
    expect(replay.customerId).not.toBe(visitor.customerId);

    expect((await profile(returning.customerId))?.id).toBe(returning.customerId);
    expect((await profile(known.customerId))?.id).toBe(known.customerId);
    expect((await profile(freshVisitor.customerId))?.id).toBe(freshVisitor.customerId);
    // The old record is gone; the profile it fed keeps its golden attributes.
    expect(await profile(crm.customerId)).toMatchObject({ firstName: 'Olga', sourceRecords: [] });
    expect(await profile(freshCrm.customerId)).toMatchObject({ sourceRecords: [{ externalId: `${u}-new` }] });
    // So is the evidence its versions left; a rebuild of the profile says it is no longer exact.
    const left = await app.db.read<{ n: number }>('MATCH (n:Ingestion {customerId: $id}) WHERE n.evidence CONTAINS $v RETURN count(n) AS n', { id: crm.customerId, v: 'Olga' });
    expect(left).toEqual([{ n: 0 }]);
    const { rebuildCustomer } = await gql(app, 'query($id: ID!) { rebuildCustomer(id: $id) { identical unloggedItems } }', { id: crm.customerId });
    expect(rebuildCustomer).toEqual({ identical: false, unloggedItems: 1 });
    const { deadLetters } = await gql(app, `query($source: String) { deadLetters(first: 10, source: $source) { edges { node { messageId } } } }`, { source: u });
    expect(deadLetters.edges.map((e: { node: { messageId: string } }) => e.node.messageId)).toEqual([`${u}-bad-new`]);
  });

  it('works through more candidates than one batch, and a second run finds nothing left', async () => {
    const u = unique();
    now = new Date('2000-03-01T00:00:00Z');
    const visitors = await ingest(Array.from({ length: 7 }, (_, i) => page({ messageId: `${u}-${i}`, anonymousId: `${u}-${i}`, timestamp: now.toISOString() })));
    const [kept] = await ingest([identify({ messageId: `${u}-mail`, anonymousId: `${u}-m`, traits: { email: `${u}@example.com` }, timestamp: now.toISOString() })]);
    // One visitor is in a segment: its membership ends with it, published as EXITED.
    const event = `${u} Visited`;
    await ingest([track({ messageId: `${u}-t`, event, anonymousId: `${u}-0`, timestamp: now.toISOString() })]);
    const { createSegment } = await gql(app, `mutation($d: JSON!) { createSegment(name: "${u}", definition: $d) { id } }`, { d: { event } });
    await app.segments.population.drain();

    const settings = { anonymousProfileDays: 10, batchSize: 3 };
    expect(await job(settings, day('2000-03-01T00:00:00Z', 20)).run()).toEqual([
      { dataClass: 'ANONYMOUS_PROFILE', removed: 7, cutoff: day('2000-03-01T00:00:00Z', 10).toISOString() },
    ]);
    expect((await job(settings, day('2000-03-01T00:00:00Z', 20)).run())[0].removed).toBe(0);
    for (const visitor of visitors) expect(await profile(visitor.customerId)).toBeNull();
    expect(published.filter((c) => c.segmentId === createSegment.id)).toEqual([
      { segmentId: createSegment.id, customerId: visitors[0].customerId, change: 'EXITED', at: expect.any(String), sequence: 2 },
    ]);
    expect((await profile(kept.customerId))?.id).toBe(kept.customerId);
  });
});
