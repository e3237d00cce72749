import { identify, page, track } from '../support/events';
import { INGEST_EVENTS, ingestEvents, upsertSourceRecords } from '../support/ingest';
import { sourceRecord } from '../support/records';
import { gql, gqlErrors, startTestApp, unique, type TestApp } from '../support/test-app';

const PROFILE = /* GraphQL */ `
  query Profile($id: ID!) {
    customer(id: $id) {
      id status redirectedFrom firstName lastName email phone
      identifiers { type value why { causeKind cause source ruleVersion mergedFrom summary } }
      devices { id model customersUsing }
      consents { purpose status source }
      mergeHistory { survivorId cause causeKind ruleVersion absorbed { customerId viaIdentifierType viaIdentifierValue } }
      conflicts { reason identifierType identifierValue customerId otherCustomerId cause }
      attributeLineage { attribute source cause }
    }
  }
`;

const BY_IDENTIFIER = /* GraphQL */ `
  query ByIdentifier($type: IdentifierType!, $value: String!) {
    customerByIdentifier(type: $type, value: $value) { id status }
  }
`;

describe('ingestEvents against the real Neo4j', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const ingest = (events: Record<string, unknown>[]) => ingestEvents(app, events);
  const profile = async (id: string) => (await gql(app, PROFILE, { id })).customer;
  const byIdentifier = async (type: string, value: string) => (await gql(app, BY_IDENTIFIER, { type, value })).customerByIdentifier;

  it('creates a customer, then links new identifiers of the same person to it', async () => {
    const u = unique();
    const first = await ingest([{ messageId: `${u}-1`, type: 'identify', userId: `${u}-user`, traits: { email: `${u}@Example.com ` } }]);
    expect(first.results[0]).toMatchObject({ outcome: 'CREATED', error: null });
    const customerId = first.results[0].customerId;

    const second = await ingest([
      identify({ messageId: `${u}-2`, userId: `${u}-user`, traits: { phone: '(415) 555-2671', firstName: 'Ada' } }),
    ]);
    expect(second.results[0]).toMatchObject({ outcome: 'LINKED', customerId });

    const customer = await profile(customerId);
    expect(customer.identifiers.map((i: { type: string; value: string }) => `${i.type}:${i.value}`).sort()).toEqual(
      [`EMAIL:${u}@example.com`, 'PHONE:+14155552671', `USER_ID:${u}-user`].sort(),
    );
    const phone = customer.identifiers.find((i: { type: string }) => i.type === 'PHONE');
    expect(phone.why).toMatchObject({ causeKind: 'EVENT', cause: `${u}-2`, ruleVersion: app.ruleBook.current.version, mergedFrom: null });
    // The summary names the kind of cause; the messageId itself is `cause`, PII like any id (a sender may put an email in it).
    expect(phone.why.summary).toMatch(/^Linked by an event from events at /);
    expect(phone.why.summary).not.toContain(`${u}-2`);
    expect(customer.firstName).toBe('Ada');
    expect((await byIdentifier('PHONE', '+1 415-555-2671'))?.id).toBe(customerId);
    expect((await byIdentifier('EMAIL', `  ${u.toUpperCase()}@EXAMPLE.COM`))?.id).toBe(customerId);
  });

  it('stitches an anonymous visitor to the known customer who logs in', async () => {
    const u = unique();
    const visit = await ingest([page({ messageId: `${u}-page`, anonymousId: `${u}-anon`, name: 'Home' })]);
    const login = await ingest([
      identify({ messageId: `${u}-login`, anonymousId: `${u}-anon`, userId: `${u}-user`, traits: { email: `${u}@shop.test` } }),
    ]);
    expect(visit.results[0].outcome).toBe('CREATED');
    expect(login.results[0]).toMatchObject({ outcome: 'LINKED', customerId: visit.results[0].customerId });
  });

  it('merges two customers into the older one, keeps the absorbed id resolvable, and records why', async () => {
    const u = unique();
    const a = await ingest([identify({ messageId: `${u}-a`, anonymousId: `${u}-anon-a`, traits: { email: `${u}@a.test` } })]);
    const b = await ingest([identify({ messageId: `${u}-b`, anonymousId: `${u}-anon-b`, traits: { phone: '+49 30 1234567' } })]);
    const older = a.results[0].customerId;
    const newer = b.results[0].customerId;

    const bridge = await ingest([
      identify({ messageId: `${u}-bridge`, userId: `${u}-user`, traits: { email: `${u}@a.test`, phone: '+49301234567' } }),
    ]);
    expect(bridge.results[0]).toMatchObject({ outcome: 'MERGED', customerId: older });

    const viaAbsorbed = await profile(newer);
    expect(viaAbsorbed).toMatchObject({ id: older, status: 'ACTIVE', redirectedFrom: newer });
    expect(viaAbsorbed.identifiers).toHaveLength(5);
    expect(viaAbsorbed.mergeHistory).toEqual([
      {
        survivorId: older,
        cause: `${u}-bridge`,
        causeKind: 'EVENT',
        ruleVersion: app.ruleBook.current.version,
        absorbed: [{ customerId: newer, viaIdentifierType: 'PHONE', viaIdentifierValue: '+49301234567' }],
      },
    ]);
    const moved = viaAbsorbed.identifiers.find((i: { type: string }) => i.type === 'PHONE');
    expect(moved.why.mergedFrom).toBe(newer);
    expect((await byIdentifier('PHONE', '+49301234567'))?.id).toBe(older);
  });

  it('refuses a merge that would join two USER_IDs, for that identifier only, and shows the conflict', async () => {
    const u = unique();
    const first = await ingest([identify({ messageId: `${u}-1`, userId: `${u}-alice`, traits: { email: `${u}@family.test` } })]);
    const second = await ingest([
      identify({ messageId: `${u}-2`, userId: `${u}-bob`, traits: { email: `${u}@family.test`, phone: '+14155550132' } }),
    ]);
    const alice = first.results[0].customerId;
    const result = second.results[0];
    expect(result.outcome).toBe('CREATED');
    expect(result.customerId).not.toBe(alice);
    expect(result.conflicts).toEqual([{ identifierType: 'EMAIL', reason: 'MERGE_BLOCKED', limit: 1, otherCustomerId: alice }]);

    const bob = await profile(result.customerId);
    expect(bob.identifiers.map((i: { type: string }) => i.type).sort()).toEqual(['PHONE', 'USER_ID']);
    expect(bob.conflicts).toEqual([
      {
        reason: 'MERGE_BLOCKED',
        identifierType: 'EMAIL',
        identifierValue: `${u}@family.test`,
        customerId: result.customerId,
        otherCustomerId: alice,
        cause: `${u}-2`,
      },
    ]);
    expect((await profile(alice)).conflicts).toHaveLength(1);
    expect((await byIdentifier('EMAIL', `${u}@family.test`))?.id).toBe(alice);
  });

  it('refuses a link beyond the per-type limit (EMAIL: 5)', async () => {
    const u = unique();
    const events = Array.from({ length: 6 }, (_, i) => ({
      messageId: `${u}-${i}`,
      type: 'IDENTIFY',
      userId: `${u}-user`,
      traits: { email: `${u}-${i}@mail.test` },
    }));
    const { results } = await ingest(events);
    expect(results.map((r: { outcome: string }) => r.outcome)).toEqual(['CREATED', 'LINKED', 'LINKED', 'LINKED', 'LINKED', 'LINKED']);
    expect(results[5].conflicts).toEqual([{ identifierType: 'EMAIL', reason: 'LIMIT_EXCEEDED', limit: 5, otherCustomerId: null }]);
    expect(await byIdentifier('EMAIL', `${u}-5@mail.test`)).toBeNull();
    expect((await profile(results[0].customerId)).identifiers.filter((i: { type: string }) => i.type === 'EMAIL')).toHaveLength(5);
  });

  it('is idempotent by messageId: a replayed batch changes nothing and reports DUPLICATE', async () => {
    const u = unique();
    const batch = [
      identify({ messageId: `${u}-1`, userId: `${u}-u`, traits: { email: `${u}@x.test` } }),
      track({ messageId: `${u}-2`, userId: `${u}-u`, event: 'Order Completed', traits: { phone: '+14155550100' } }),
      identify({ messageId: `${u}-1`, userId: `${u}-u`, traits: { email: `${u}@x.test` } }),
    ];
    const first = await ingest(batch);
    expect(first.results.map((r: { outcome: string }) => r.outcome)).toEqual(['CREATED', 'LINKED', 'DUPLICATE']);
    const before = await profile(first.results[0].customerId);

    const replay = await ingest(batch);
    expect(replay.results.map((r: { outcome: string }) => r.outcome)).toEqual(['DUPLICATE', 'DUPLICATE', 'DUPLICATE']);
    expect(replay.results.every((r: { customerId: string }) => r.customerId === first.results[0].customerId)).toBe(true);
    expect(await profile(first.results[0].customerId)).toEqual(before);
  });

  it('drops blocked and invalid identifier values, counts them, and keeps the rest', async () => {
    const u = unique();
    const { results } = await ingest([
      identify({ messageId: `${u}-1`, userId: 'anonymous', anonymousId: `${u}-anon`, traits: { email: 'null', phone: '12' } }),
    ]);
    expect(results[0].outcome).toBe('CREATED');
    expect(results[0].droppedIdentifiers).toEqual(
      expect.arrayContaining([
        { type: 'USER_ID', reason: 'BLOCKED' },
        { type: 'EMAIL', reason: 'BLOCKED' },
        { type: 'PHONE', reason: 'INVALID' },
      ]),
    );
    const metrics = await app.metrics.registry.getSingleMetricAsString('c360_identifiers_dropped_total');
    expect(metrics).toMatch(/c360_identifiers_dropped_total\{type="USER_ID",reason="BLOCKED"\} [1-9]/);
    expect((await profile(results[0].customerId)).identifiers.map((i: { type: string }) => i.type)).toEqual(['ANONYMOUS_ID']);
  });

  it('shares a device seen with a second known person: usage for both, a link for no one, and says why', async () => {
    const u = unique();
    const device = { id: `${u}-tablet`, type: 'tablet', model: 'iPad13,1' };
    const { results } = await ingest([
      identify({ messageId: `${u}-1`, userId: `${u}-mum`, anonymousId: `${u}-mum-cookie`, context: { device } }),
      identify({ messageId: `${u}-2`, userId: `${u}-son`, anonymousId: `${u}-son-cookie`, context: { device } }),
    ]);
    expect(results.map((r: { outcome: string }) => r.outcome)).toEqual(['CREATED', 'CREATED']);
    const [mumId, sonId] = results.map((r: { customerId: string }) => r.customerId);
    expect(results[1].conflicts).toEqual([{ identifierType: 'DEVICE_ID', reason: 'SHARED_DEVICE', limit: 1, otherCustomerId: mumId }]);
    expect(await byIdentifier('DEVICE_ID', `${u}-tablet`)).toBeNull();
    const mum = await profile(mumId);
    expect(mum.identifiers.map((i: { type: string }) => i.type).sort()).toEqual(['ANONYMOUS_ID', 'USER_ID']);
    const son = await profile(sonId);
    expect(son.devices).toEqual([{ id: `${u}-tablet`, model: 'iPad13,1', customersUsing: 2 }]);
    expect(son.conflicts).toEqual([
      expect.objectContaining({ reason: 'SHARED_DEVICE', identifierType: 'DEVICE_ID', identifierValue: `${u}-tablet`, otherCustomerId: mumId, cause: `${u}-2` }),
    ]);
    const { customer } = await gql(app, `query($id: ID!) { customer(id: $id) { devices { sharedSince } } }`, { id: mumId });
    expect(Date.parse(customer.devices[0].sharedSince)).not.toBeNaN();

    // Page views on the tablet land on the member whose cookie they carry; a new visitor on it is someone new.
    const later = await ingest([
      page({ messageId: `${u}-3`, anonymousId: `${u}-son-cookie`, context: { device } }),
      page({ messageId: `${u}-4`, anonymousId: `${u}-mum-cookie`, context: { device } }),
      page({ messageId: `${u}-5`, anonymousId: `${u}-guest-cookie`, context: { device } }),
    ]);
    expect(later.results.map((r: { customerId: string; outcome: string; conflicts: unknown[] }) => [r.customerId, r.outcome, r.conflicts])).toEqual([
      [sonId, 'LINKED', []],
      [mumId, 'LINKED', []],
      [expect.not.stringMatching(new RegExp(`^(${mumId}|${sonId})$`)), 'CREATED', []],
    ]);
    expect((await profile(later.results[2].customerId)).identifiers.map((i: { type: string }) => i.type)).toEqual(['ANONYMOUS_ID']);
  });

  it('captures consent from the event context', async () => {
    const u = unique();
    const { results } = await ingest([
      {
        messageId: `${u}-1`,
        type: 'IDENTIFY',
        userId: `${u}-u`,
        source: 'web',
        context: { consent: { categoryPreferences: { 'Marketing Email': true, Analytics: false } } },
      },
    ]);
    const customer = await profile(results[0].customerId);
    expect(customer.consents).toEqual(
      expect.arrayContaining([
        { purpose: 'marketing_email', status: 'GRANTED', source: 'web' },
        { purpose: 'analytics', status: 'DENIED', source: 'web' },
      ]),
    );
  });

  it('rejects malformed events alone, keeps them as dead letters, and accepts a corrected resubmission', async () => {
    const u = unique();
    const source = `src${u}`;
    const { results, rejected, created } = await ingest([
      identify({ messageId: `${u}-ok`, userId: `${u}-u`, source }),
      { messageId: `${u}-type`, type: 'EXPLODE', userId: `${u}-u`, source },
      { type: 'IDENTIFY', userId: `${u}-u2`, source },
      { messageId: `${u}-track`, type: 'TRACK', userId: `${u}-u3`, source },
      identify({ messageId: `${u}-time`, userId: `${u}-u4`, timestamp: 'yesterday', source }),
      identify({ messageId: `${u}-ids`, userId: '0000', anonymousId: 'undefined', source }),
      { messageId: `${u}-traits`, type: 'IDENTIFY', userId: `${u}-u5`, traits: 'not an object', source },
    ]);
    expect({ created, rejected }).toEqual({ created: 1, rejected: 6 });
    expect(results.map((r: { error: { code: string } | null }) => r.error?.code ?? null)).toEqual([
      null,
      'INVALID_TYPE',
      'MISSING_MESSAGE_ID',
      'MISSING_FIELD',
      'INVALID_TIMESTAMP',
      'NO_IDENTIFIERS',
      'INVALID_FIELD',
    ]);

    const letters = await gql(
      app,
      `query($source: String) { deadLetters(first: 10, source: $source) { edges { node { id code messageId status payload attempts } } pageInfo { hasNextPage } } }`,
      { source },
    );
    const nodes = letters.deadLetters.edges.map((e: { node: unknown }) => e.node);
    expect(nodes).toHaveLength(6);
    const trackLetter = nodes.find((n: { messageId: string }) => n.messageId === `${u}-track`);
    expect(trackLetter).toMatchObject({ code: 'MISSING_FIELD', status: 'OPEN', attempts: 1 });
    expect(trackLetter.payload).toMatchObject({ type: 'TRACK', userId: `${u}-u3` });

    const stillBad = await gql(app, `mutation($id: ID!) { resubmitDeadLetter(id: $id) { outcome error { code } } }`, {
      id: trackLetter.id,
    });
    expect(stillBad.resubmitDeadLetter).toEqual({ outcome: 'REJECTED', error: { code: 'MISSING_FIELD' } });

    const fixed = await gql(
      app,
      `mutation($id: ID!, $event: IdentityEventInput) { resubmitDeadLetter(id: $id, event: $event) { outcome customerId } }`,
      { id: trackLetter.id, event: { ...trackLetter.payload, event: 'Order Completed' } },
    );
    expect(fixed.resubmitDeadLetter.outcome).toBe('CREATED');
    const after = await gql(app, `query($source: String) { deadLetters(first: 10, source: $source, status: RESOLVED) { edges { node { id attempts resolvedCustomerId } } } }`, { source });
    expect(after.deadLetters.edges.map((e: { node: unknown }) => e.node)).toEqual([
      { id: trackLetter.id, attempts: 3, resolvedCustomerId: fixed.resubmitDeadLetter.customerId },
    ]);
  });

  it('reports the final customer of every item, the same on first delivery and on replay', async () => {
    const u = unique();
    const old = await ingest([identify({ messageId: `${u}-old`, userId: `${u}-user` })]);
    const batch = [
      page({ messageId: `${u}-1`, anonymousId: `${u}-anon` }),
      identify({ messageId: `${u}-2`, anonymousId: `${u}-anon`, userId: `${u}-user` }),
    ];
    const first = await ingest(batch);
    expect(first.results.map((r: { outcome: string }) => r.outcome)).toEqual(['CREATED', 'MERGED']);
    const survivor = old.results[0].customerId;
    expect(first.results.map((r: { customerId: string }) => r.customerId)).toEqual([survivor, survivor]);
    const replay = await ingest(batch);
    expect(replay.results.map((r: { customerId: string }) => r.customerId)).toEqual([survivor, survivor]);
  });

  it('never lets an event shadow a record with the same key, or the other way round', async () => {
    const u = unique();
    const record = sourceRecord({ externalId: `${u}-r`, updatedAt: '2026-01-01T00:00:00Z', identifiers: [{ type: 'CRM_ID', value: `${u}-r` }] });
    const {
      results: [recorded],
    } = await upsertSourceRecords(app, [record]);
    expect(recorded.outcome).toBe('CREATED');
    const { results } = await ingest([identify({ messageId: recorded.messageId, userId: `${u}-u` })]);
    expect(results[0].outcome).toBe('CREATED');
  });

  it('rejects impossible and far-future timestamps', async () => {
    const u = unique();
    const { results } = await ingest([
      identify({ messageId: `${u}-1`, userId: `${u}-a`, timestamp: '2026-02-31T00:00:00Z' }),
      identify({ messageId: `${u}-2`, userId: `${u}-b`, timestamp: '2999-01-01T00:00:00Z' }),
      identify({ messageId: `${u}-3`, userId: `${u}-c`, timestamp: '2026-02-28T23:59:59+01:00' }),
    ]);
    expect(results.map((r: { outcome: string; error: { code: string } | null }) => [r.outcome, r.error?.code ?? null])).toEqual([
      ['REJECTED', 'INVALID_TIMESTAMP'],
      ['REJECTED', 'INVALID_TIMESTAMP'],
      ['CREATED', null],
    ]);
  });

  it('counts a refusal repeated by later events on one conflict', async () => {
    const u = unique();
    const family = `${u}-family@example.com`;
    await ingest([identify({ messageId: `${u}-1`, userId: `${u}-mum`, traits: { email: family } })]);
    const son = await ingest([
      identify({ messageId: `${u}-2`, userId: `${u}-son`, traits: { email: family } }),
      identify({ messageId: `${u}-3`, userId: `${u}-son`, traits: { email: family } }),
    ]);
    await ingest([identify({ messageId: `${u}-4`, userId: `${u}-son`, traits: { email: family } })]);
    const { customer } = await gql(app, `query($id: ID!) { customer(id: $id) { conflicts { identifierType count cause lastCause } } }`, {
      id: son.results[0].customerId,
    });
    expect(customer.conflicts).toEqual([{ identifierType: 'EMAIL', count: 3, cause: `${u}-2`, lastCause: `${u}-4` }]);
  });

  it('reads a national phone number in the region the event tells: address country, then locale, then the default', async () => {
    const u = unique();
    // Numbers of their own: other tests' people may hold the usual examples.
    const digits = String(Date.now() % 1_000_000).padStart(6, '0');
    const { results } = await ingest([
      identify({ messageId: `${u}-1`, userId: `${u}-de`, traits: { phone: `030 4${digits}` }, context: { locale: 'de-DE' } }),
      identify({ messageId: `${u}-2`, userId: `${u}-at`, traits: { phone: `01 5${digits}`, address: { country: 'Österreich' } }, context: { locale: 'de-DE' } }),
      identify({ messageId: `${u}-3`, userId: `${u}-us`, traits: { phone: `(415) 7${digits.slice(0, 2)}-${digits.slice(2)}` }, context: { locale: 'fr-FR' } }),
      identify({ messageId: `${u}-4`, userId: `${u}-none`, traits: { phone: `030 7${digits}` } }),
    ]);
    const phones = await Promise.all(
      results.map(async (r: { customerId: string }) => (await profile(r.customerId)).identifiers.filter((i: { type: string }) => i.type === 'PHONE').map((i: { value: string }) => i.value)),
    );
    expect(phones).toEqual([[`+49304${digits}`], [`+4315${digits}`], [`+14157${digits}`], []]);
    expect(results[3].droppedIdentifiers).toEqual([{ type: 'PHONE', reason: 'INVALID' }]);
  });

  it('refuses an oversized batch as a whole with BAD_USER_INPUT and changes nothing', async () => {
    const u = unique();
    const events = Array.from({ length: 1001 }, (_, i) => identify({ messageId: `${u}-${i}`, userId: `${u}-${i}` }));
    const { errors } = await gqlErrors(app, INGEST_EVENTS, { events });
    expect(errors[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(await byIdentifier('USER_ID', `${u}-0`)).toBeNull();
  });

  it('answers BAD_USER_INPUT for an unusable identifier value in a lookup', async () => {
    const { errors } = await gqlErrors(app, BY_IDENTIFIER, { type: 'PHONE', value: 'not a phone' });
    expect(errors[0].extensions?.code).toBe('BAD_USER_INPUT');
    // No identifier can hold these, and a lone surrogate would reach Neo4j as U+FFFD, matching another value.
    for (const value of ['u-1001\u0000', 'u-1001\ud800']) {
      const refused = await gqlErrors(app, BY_IDENTIFIER, { type: 'USER_ID', value });
      expect(refused.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID' });
    }
  });
});
