import Redis from 'ioredis';
import { CypherRegistry } from '../../src/infra/neo4j/cypher-registry';
import { customerCacheKey } from '../../src/privacy/customer-cache';
import { alias, identify } from '../support/events';
import { ingestEvents, upsertSourceRecords } from '../support/ingest';
import { nested } from '../support/nested';
import { gql, gqlErrors, startTestApp, unique, type TestApp } from '../support/test-app';

const ERASE = /* GraphQL */ `
  mutation Erase($id: ID!, $reason: String!) {
    eraseCustomer(id: $id, reason: $reason) {
      id customerId status reason attempts error requestedAt completedAt
      removed { customers identifiers devices deviceLinks sourceRecords consents merges conflicts conflictsRedacted ingestions deadLetters segmentMemberships cacheKeys suppressions }
    }
  }
`;
const REQUEST = /* GraphQL */ `
  query Request($id: ID!) {
    erasureRequest(id: $id) {
      id customerId status attempts error completedAt
      removed { customers identifiers devices deviceLinks sourceRecords consents merges conflicts conflictsRedacted ingestions deadLetters cacheKeys suppressions }
    }
  }
`;
const EXPORT = /* GraphQL */ `
  query Export($id: ID!) {
    exportCustomerData(id: $id) {
      requestedId customerId exportedAt
      erasure { id status }
      profiles { id status mergedInto firstName lastName email attributeLineage { attribute source } }
      identifiers { type value why { causeKind cause } }
      devices { id model }
      sourceRecords { source externalId attributes }
      consents { purpose status profileId }
      segmentMemberships { segmentId }
      mergeHistory { survivorId absorbed { customerId viaIdentifierType viaIdentifierValue } }
      conflicts { reason identifierValue customerId otherCustomerId }
      piiReads { subject at fields channel customerId }
    }
  }
`;
const BY_IDENTIFIER = /* GraphQL */ `
  query ByIdentifier($type: IdentifierType!, $value: String!) { customerByIdentifier(type: $type, value: $value) { id } }
`;
const CONFLICTS = /* GraphQL */ `
  query Conflicts($id: ID!) { customer(id: $id) { id conflicts { reason identifierType identifierValue otherCustomerId } } }
`;

/** A person with values found nowhere else in the graph, spread over two merged profiles, records and a dead letter. */
function person() {
  const u = unique('p');
  const digits = String(parseInt(u.slice(1, 9), 16) % 1e8).padStart(8, '0');
  const values = {
    email: `mail${u}@example.com`,
    rawEmail: ` MAIL${u}@Example.COM `,
    phone: `+49151${digits}`,
    rawPhone: `+49 151 ${digits.slice(0, 4)} ${digits.slice(4)}`,
    firstName: `Fn${u}`,
    lastName: `Ln${u}`,
    userId: `usr-${u}`,
    anon1: `an1-${u}`,
    anon2: `an2-${u}`,
    deviceId: `dev-${u}`,
    crmId: `crm-${u}`,
  };
  const t = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 0, minutes)).toISOString();
  const events = [
    identify({ messageId: `m1-${u}`, anonymousId: values.anon1, timestamp: t(1), traits: { email: values.rawEmail, firstName: values.firstName } }),
    {
      messageId: `m2-${u}`, type: 'PAGE', anonymousId: values.anon2, name: 'Home', timestamp: t(2),
      context: { device: { id: values.deviceId, model: 'Pixel' }, consent: { categoryPreferences: { analytics: true } } },
    },
    identify({ messageId: `m3-${u}`, userId: values.userId, anonymousId: values.anon1, timestamp: t(3), traits: { phone: values.rawPhone, lastName: values.lastName } }),
    alias({ messageId: `m4-${u}`, userId: values.userId, previousId: values.anon2, timestamp: t(4) }),
  ];
  // More records than one erasure batch (the test app erases 2 at a time).
  const records = [1, 2, 3, 4, 5].map((n) => ({
    source: 'crm',
    externalId: `${values.crmId}-${n}`,
    updatedAt: t(10 + n),
    attributes: { firstName: values.firstName, lastName: values.lastName, email: values.email },
    identifiers: [{ type: 'USER_ID', value: values.userId }],
    consents: [{ purpose: 'marketing_email', status: n % 2 ? 'GRANTED' : 'WITHDRAWN', occurredAt: t(10 + n) }],
  }));
  // Refused (a TRACK needs `event`): a dead letter that carries the email as it arrived.
  const rejected = { messageId: `m5-${u}`, type: 'TRACK', userId: values.userId, traits: { email: values.rawEmail }, timestamp: t(20) };
  const needles = [values.email, values.phone, values.firstName, values.lastName, values.userId, values.anon1, values.anon2, values.deviceId, values.crmId];
  return { u, values, events, records, rejected, needles };
}

describe('rights of the data subject: export and erasure', () => {
  let app: TestApp;
  let redis: Redis;
  let findAnywhere: string;
  beforeAll(async () => {
    app = await startTestApp({ env: { ERASURE_BATCH_SIZE: '2' } });
    redis = new Redis(process.env.REDIS_URL!);
    findAnywhere = new CypherRegistry().get('privacy/find-values-anywhere');
  });
  afterAll(async () => {
    redis.disconnect();
    await app.close();
  });

  const ingest = (events: Record<string, unknown>[]) => ingestEvents(app, events);
  const upsert = (records: Record<string, unknown>[]) => upsertSourceRecords(app, records);
  const exportOf = async (id: string) => (await gql(app, EXPORT, { id })).exportCustomerData;
  const byIdentifier = async (type: string, value: string) => (await gql(app, BY_IDENTIFIER, { type, value })).customerByIdentifier;
  const erase = async (id: string, reason = 'ticket DSR-1') => (await gql(app, ERASE, { id, reason })).eraseCustomer;
  const request = async (id: string) => (await gql(app, REQUEST, { id })).erasureRequest;
  const anywhere = (needles: string[]) => app.db.read<{ needle: string; kind: string; labels: string[]; properties: string[] }>(findAnywhere, { needles });
  const suppressedCount = async () => (await app.metrics.suppressed.get()).values.reduce((sum, v) => sum + v.value, 0);

  async function seedPerson() {
    const p = person();
    // Two profiles first, then the events that show they are one person: a merge.
    const one = (await ingest([p.events[0]])).results[0].customerId;
    const two = (await ingest([p.events[1]])).results[0].customerId;
    await ingest(p.events.slice(2));
    await upsert(p.records);
    const dead = await ingest([p.rejected]);
    expect(dead.results[0].outcome).toBe('REJECTED');
    const survivorId = (await byIdentifier('EMAIL', p.values.email)).id;
    expect([one, two]).toContain(survivorId);
    return { ...p, survivorId, absorbedId: one === survivorId ? two : one };
  }

  it('exports everything held about a person, from any of their ids, in one typed document', async () => {
    const p = await seedPerson();
    const doc = await exportOf(p.absorbedId);
    // Suites share one database: a suite listing customers in clear meanwhile reads this person too (channel QUERY).
    const exports = (reads: { channel: string }[]) => reads.filter((r) => r.channel === 'EXPORT');
    expect(doc).toMatchObject({ requestedId: p.absorbedId, customerId: p.survivorId, erasure: null, segmentMemberships: [] });
    expect(exports(doc.piiReads)).toEqual([]);
    expect(doc.profiles.map((x: { id: string }) => x.id)).toEqual([p.survivorId, p.absorbedId]);
    // That export read their PII in clear: the next one lists it, from the audit trail.
    await app.services.audit.flush();
    const again = await exportOf(p.survivorId);
    expect(exports(again.piiReads)).toHaveLength(2);
    expect(exports(again.piiReads)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ subject: 'test-admin', channel: 'EXPORT', customerId: p.survivorId, fields: expect.arrayContaining(['ExportedProfile.email']) }),
        expect.objectContaining({ subject: 'test-admin', channel: 'EXPORT', customerId: p.absorbedId }),
      ]),
    );
    expect(doc.profiles[1]).toMatchObject({ status: 'MERGED', mergedInto: p.survivorId });
    expect(doc.profiles[0]).toMatchObject({ firstName: p.values.firstName, lastName: p.values.lastName, email: p.values.email });
    expect(doc.identifiers.map((i: { type: string; value: string }) => `${i.type}:${i.value}`).sort()).toEqual(
      [
        `ANONYMOUS_ID:${p.values.anon1}`,
        `ANONYMOUS_ID:${p.values.anon2}`,
        `DEVICE_ID:${p.values.deviceId}`,
        `EMAIL:${p.values.email}`,
        `PHONE:${p.values.phone}`,
        `USER_ID:${p.values.userId}`,
      ].sort(),
    );
    expect(doc.identifiers.every((i: { why: unknown }) => i.why !== null)).toBe(true);
    expect(doc.devices).toEqual([{ id: p.values.deviceId, model: 'Pixel' }]);
    expect(doc.sourceRecords).toHaveLength(5);
    expect(doc.consents.filter((c: { purpose: string }) => c.purpose === 'marketing_email')).toHaveLength(5);
    expect(doc.consents.find((c: { purpose: string }) => c.purpose === 'analytics')).toMatchObject({ status: 'GRANTED', profileId: p.absorbedId });
    expect(doc.mergeHistory).toHaveLength(1);
    expect(doc.mergeHistory[0].absorbed[0].customerId).toBe(p.absorbedId);

    const unknown = await gqlErrors(app, EXPORT, { id: 'no-such-customer' });
    expect(unknown.errors[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('erases the person everywhere, keeps only a request without PII, and suppresses a replay', async () => {
    const p = await seedPerson();
    // Someone else who tried to claim the person's email: refused, and the refusal names the email.
    const other = unique('o');
    const shopRecord = { source: 'shop', externalId: other, attributes: { city: 'Berlin' } };
    await upsert([{ ...shopRecord, updatedAt: '2026-01-02T00:00:00Z', identifiers: [{ type: 'USER_ID', value: other }] }]);
    const claim = await upsert([
      { ...shopRecord, updatedAt: '2026-01-03T00:00:00Z', identifiers: [{ type: 'USER_ID', value: other }, { type: 'EMAIL', value: p.values.email }] },
    ]);
    const otherId = claim.results[0].customerId;
    expect(claim.results[0].conflicts[0]).toMatchObject({ reason: 'MERGE_BLOCKED', otherCustomerId: p.survivorId });
    // Cached copies: the person's go, another customer's stays.
    await redis.set(customerCacheKey(p.survivorId, 'profile'), JSON.stringify({ email: p.values.email }));
    await redis.set(customerCacheKey(p.absorbedId, 'segments'), '[]');
    await redis.set(customerCacheKey(otherId, 'profile'), '{}');
    expect((await anywhere(p.needles)).length).toBeGreaterThan(0);

    const accepted = await erase(p.absorbedId);
    expect(accepted).toMatchObject({ customerId: p.absorbedId, status: 'RECEIVED', reason: 'ticket DSR-1', completedAt: null });
    await app.services.erasure.settled(accepted.id);

    const done = await request(accepted.id);
    expect(done).toMatchObject({ status: 'COMPLETED', attempts: 1, error: null });
    expect(done.removed).toMatchObject({
      customers: 2,
      identifiers: 6,
      devices: 1,
      deviceLinks: 1,
      sourceRecords: 5,
      merges: 1,
      conflictsRedacted: 1,
      deadLetters: 1,
      cacheKeys: 2,
      // 6 identifier keys and 5 record keys.
      suppressions: 11,
    });
    expect(done.removed.consents).toBe(6);
    expect(done.removed.ingestions).toBe(4 + 5);

    // Nothing resolves, nothing is found, anywhere in the graph.
    for (const [type, value] of [['EMAIL', p.values.email], ['PHONE', p.values.phone], ['USER_ID', p.values.userId], ['DEVICE_ID', p.values.deviceId]]) {
      expect(await byIdentifier(type, value)).toBeNull();
    }
    expect(await anywhere(p.needles)).toEqual([]);
    expect(await redis.exists(customerCacheKey(p.survivorId, 'profile'), customerCacheKey(p.absorbedId, 'segments'))).toBe(0);
    expect(await redis.exists(customerCacheKey(otherId, 'profile'))).toBe(1);

    // The other customer keeps the refusal in their history, without the value or the link.
    const otherNow = (await gql(app, CONFLICTS, { id: otherId })).customer;
    expect(otherNow.conflicts).toEqual([{ reason: 'MERGE_BLOCKED', identifierType: 'EMAIL', identifierValue: '[erased]', otherCustomerId: null }]);

    // The export is empty and says why.
    for (const id of [p.survivorId, p.absorbedId]) {
      const doc = await exportOf(id);
      expect(doc).toMatchObject({ customerId: null, erasure: { id: accepted.id, status: 'COMPLETED' }, profiles: [], identifiers: [], devices: [] });
      expect([doc.sourceRecords, doc.consents, doc.mergeHistory, doc.conflicts, doc.piiReads, doc.segmentMemberships].every((l) => l.length === 0)).toBe(true);
    }

    // Replaying everything the person ever sent creates nothing; each item is counted as suppressed.
    const before = await suppressedCount();
    const replayed = await ingest([...p.events, p.rejected]);
    const replayedRecords = await upsert(p.records);
    expect(replayed).toMatchObject({ created: 0, suppressed: p.events.length + 1, rejected: 0 });
    expect(replayedRecords).toMatchObject({ created: 0, suppressed: p.records.length });
    expect(replayed.results[0]).toMatchObject({ customerId: null, outcome: 'SUPPRESSED', deadLetterId: null });
    expect(replayed.results[0].droppedIdentifiers).toEqual(
      expect.arrayContaining([{ type: 'EMAIL', reason: 'SUPPRESSED' }, { type: 'ANONYMOUS_ID', reason: 'SUPPRESSED' }]),
    );
    expect(await suppressedCount()).toBe(before + p.events.length + 1 + p.records.length);
    expect(await anywhere(p.needles)).toEqual([]);

    // Asking again for the same person answers with the same request.
    expect((await erase(p.survivorId, 'again')).id).toBe(accepted.id);
  });

  it('finds a phone written in national format in dead letters and replays, read in the region they tell', async () => {
    const u = unique('n');
    const national = `030 4${String(Date.now() % 1_000_000).padStart(6, '0')}`;
    const created = await ingest([{ messageId: `${u}-1`, type: 'IDENTIFY', userId: `${u}-user`, traits: { phone: national }, context: { locale: 'de-DE' } }]);
    // No userId or anonymousId: rejected, kept as a dead letter that names the person only by the national number.
    const rejected = { messageId: `${u}-2`, type: 'IDENTIFY', traits: { phone: national, address: { country: 'Germany' } } };
    expect((await ingest([rejected])).results[0].outcome).toBe('REJECTED');

    const accepted = await erase(created.results[0].customerId);
    await app.services.erasure.settled(accepted.id);
    expect((await request(accepted.id)).removed).toMatchObject({ identifiers: 2, deadLetters: 1 });
    const replayed = await ingest([{ ...rejected, messageId: `${u}-3` }]);
    expect(replayed.results[0]).toMatchObject({ outcome: 'SUPPRESSED', deadLetterId: null });
  });

  it('keeps what an event brings besides an erased identifier, without the erased value', async () => {
    const p = await seedPerson();
    const accepted = await erase(p.survivorId);
    await app.services.erasure.settled(accepted.id);

    const fresh = unique('f');
    const result = await ingest([identify({ messageId: `m-${fresh}`, anonymousId: `an-${fresh}`, traits: { email: p.values.email, city: 'Graz' } })]);
    expect(result.results[0]).toMatchObject({ outcome: 'CREATED', droppedIdentifiers: [{ type: 'EMAIL', reason: 'SUPPRESSED' }] });
    const doc = await exportOf(result.results[0].customerId);
    expect(doc.identifiers.map((i: { type: string }) => i.type)).toEqual(['ANONYMOUS_ID']);
    expect(doc.profiles[0]).toMatchObject({ email: null });
    expect(await anywhere([p.values.email])).toEqual([]);
  });

  it('a FAILED erasure is retried by asking again, and finishes what the first run left', async () => {
    const p = await seedPerson();
    // A Redis that is not there: the run fails at its cache step, after the suppressions and most deletions.
    const broken = await startTestApp({ env: { REDIS_URL: 'redis://127.0.0.1:1', ERASURE_BATCH_SIZE: '2' } });
    let failed;
    try {
      const accepted = await (await gql(broken, ERASE, { id: p.survivorId, reason: 'ticket DSR-2' })).eraseCustomer;
      await broken.services.erasure.settled(accepted.id);
      failed = await (await gql(broken, REQUEST, { id: accepted.id })).erasureRequest;
    } finally {
      await broken.close();
    }
    expect(failed).toMatchObject({ status: 'FAILED', attempts: 1, completedAt: null });
    expect(failed.error).toEqual(expect.any(String));
    expect(await byIdentifier('EMAIL', p.values.email)).toBeNull();

    const retried = await erase(p.survivorId);
    expect(retried).toMatchObject({ id: failed.id, status: 'RECEIVED' });
    await app.services.erasure.settled(failed.id);
    const done = await request(failed.id);
    expect(done).toMatchObject({ status: 'COMPLETED', attempts: 2, error: null });
    // Counts add up over both runs: everything once.
    expect(done.removed).toMatchObject({ customers: 2, identifiers: 6, sourceRecords: 5, suppressions: 11 });
    expect(await anywhere(p.needles)).toEqual([]);
  });

  it('an accepted erasure whose instance died is resumed by another, and a live one is left to its holder', async () => {
    // Held by a live instance: nobody else takes it.
    const held = await seedPerson();
    const other = await startTestApp();
    try {
      const running = await erase(held.survivorId);
      expect(await other.services.erasure.resumePending()).not.toContain(running.id);
      await app.services.erasure.settled(running.id);
      expect(await request(running.id)).toMatchObject({ status: 'COMPLETED', attempts: 1 });
    } finally {
      await other.close();
    }

    // Accepted, then the instance died before running it (its lease lapsed): the next instance to look resumes it.
    const p = await seedPerson();
    const accepted = await app.services.erasure.acceptOnly(p.survivorId, 'ticket DSR-3');
    expect((await request(accepted.id)).status).toBe('RECEIVED');
    const restarted = await startTestApp({ env: { ERASURE_RESUME_INTERVAL_MS: '200' } });
    try {
      // Any live instance may be the one that resumes it (other test files start apps too): wait for the outcome.
      for (let waited = 0; (await request(accepted.id)).status !== 'COMPLETED' && waited < 30_000; waited += 200) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(await request(accepted.id)).toMatchObject({ status: 'COMPLETED', attempts: 1 });
    } finally {
      await restarted.close();
    }
    expect(await anywhere(p.needles)).toEqual([]);
  });

  it("is never blocked by someone else's deeply nested dead letter, even one stored before payloads were bounded", async () => {
    const p = await seedPerson();
    const stranger = unique('s');
    // As ingestion stored them before it bounded depth: one letter of a stranger, one that names the person deep down.
    const letter = (id: string, payload: unknown) => ({ id, kind: 'EVENT' as const, messageId: id, source: 'web', code: 'MISSING_FIELD', message: 'old', payload: JSON.stringify(payload) });
    await app.db.write((tx) =>
      app.services.deadLetters.record(
        tx,
        [letter(`old-${stranger}`, { userId: stranger, traits: nested(3500) }), letter(`old-${p.u}`, { traits: nested(3500, p.values.rawEmail) })],
        new Date().toISOString(),
      ),
    );

    const accepted = await erase(p.survivorId);
    await app.services.erasure.settled(accepted.id);
    const done = await request(accepted.id);
    expect(done).toMatchObject({ status: 'COMPLETED', error: null });
    // Their refused event and the old letter that named them deep down; the stranger's letter stays.
    expect(done.removed.deadLetters).toBe(2);
    expect(await app.services.deadLetters.byId(`old-${p.u}`)).toBeNull();
    expect(await app.services.deadLetters.byId(`old-${stranger}`)).toMatchObject({ id: `old-${stranger}` });
    expect(await anywhere(p.needles)).toEqual([]);
  });

  it('refuses an empty reason and an unknown customer, changing nothing', async () => {
    const p = await seedPerson();
    const empty = await gqlErrors(app, ERASE, { id: p.survivorId, reason: '  ' });
    expect(empty.errors[0].extensions?.code).toBe('BAD_USER_INPUT');
    const nul = await gqlErrors(app, ERASE, { id: p.survivorId, reason: 'ticket\u0000DSR' });
    expect(nul.errors[0]).toMatchObject({ message: 'reason contains a NUL character (U+0000)', extensions: { code: 'BAD_USER_INPUT', argument: 'reason' } });
    expect((await exportOf(p.survivorId)).erasure).toBeNull();
    const unknown = await gqlErrors(app, ERASE, { id: `no-such-${p.u}`, reason: 'ticket' });
    expect(unknown.errors[0].extensions?.code).toBe('NOT_FOUND');
  });
});
