import { ingestEvents, upsertSourceRecords } from '../support/ingest';
import { gql, startTestApp, tokenFor, unique, type TestApp } from '../support/test-app';
import { jsonWithNested, nested, NESTED } from '../support/nested';
import { postGraphQL } from '../support/transports';

const LETTERS = /* GraphQL */ `
  query Letters($source: String) { deadLetters(first: 20, source: $source) { edges { node { id code message messageId payload } } } }
`;
const RESUBMIT = /* GraphQL */ `
  mutation Resubmit($id: ID!, $event: IdentityEventInput) { resubmitDeadLetter(id: $id, event: $event) { outcome deadLetterId error { code } } }
`;

type Result = { outcome: string; error: { code: string; message: string } | null; deadLetterId: string | null; customerId: string | null };
const outcomes = (results: Result[]) => results.map((r) => [r.outcome, r.error?.code ?? null]);

describe('every ingested item is bounded in depth and size, and its text is well-formed, item by item', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const ingest = (events: Record<string, unknown>[]) => ingestEvents(app, events);
  const upsert = (records: Record<string, unknown>[]) => upsertSourceRecords(app, records);
  const letters = async (source: string) =>
    (await gql(app, LETTERS, { source })).deadLetters.edges.map((e: { node: Record<string, unknown> }) => e.node);
  const event = (u: string, name: string, extra: Record<string, unknown> = {}) => ({
    messageId: `${u}-${name}`,
    type: 'IDENTIFY',
    userId: `${u}-${name}-user`,
    source: `src${u}`,
    ...extra,
  });

  it('refuses an item nested 6,000 deep alone, valid or not: the good items beside it are applied', async () => {
    const u = unique();
    const { results, created, rejected } = await ingest([
      event(u, 'before'),
      event(u, 'deep', { traits: nested(6000) }),
      // Invalid besides (a TRACK needs its event): once, serialising it for its dead letter failed the whole batch.
      event(u, 'deep-track', { type: 'TRACK', context: nested(6000) }),
      event(u, 'after'),
    ]);
    expect({ created, rejected }).toEqual({ created: 2, rejected: 2 });
    expect(outcomes(results)).toEqual([['CREATED', null], ['REJECTED', 'PAYLOAD_TOO_DEEP'], ['REJECTED', 'PAYLOAD_TOO_DEEP'], ['CREATED', null]]);
    expect(results[1].error.message).toBe('nested deeper than 32 levels (in traits); only its top-level fields are kept');
  });

  it('keeps only a bounded summary of a refused item as its dead letter', async () => {
    const u = unique();
    const { results } = await ingest([event(u, 'deep', { traits: nested(3500), properties: { note: 'x' } })]);
    expect(outcomes(results)).toEqual([['REJECTED', 'PAYLOAD_TOO_DEEP']]);
    const [letter] = await letters(`src${u}`);
    expect(letter).toMatchObject({ id: results[0].deadLetterId, code: 'PAYLOAD_TOO_DEEP', messageId: `${u}-deep` });
    // What identifies it stays (an erasure finds the letter by the userId), the nested content does not.
    expect(letter.payload).toEqual({ messageId: `${u}-deep`, type: 'IDENTIFY', userId: `${u}-deep-user`, source: `src${u}` });
  });

  it('lists a dead letter stored nested thousands deep before items were bounded, showing its top-level fields', async () => {
    const u = unique();
    const summary = { messageId: `${u}-old`, type: 'IDENTIFY', userId: `${u}-old-user`, source: `src${u}` };
    // As ingestion stored it before the door bounded depth (about 3,500 to 6,000 levels got through then).
    const payload = jsonWithNested({ ...summary, traits: NESTED }, 5000);
    const letter = { id: `${u}-old`, kind: 'EVENT' as const, messageId: `${u}-old`, source: `src${u}`, code: 'MISSING_FIELD', message: 'old', payload };
    await app.db.write((tx) => app.services.deadLetters.record(tx, [letter], new Date().toISOString()));

    // Over HTTP: the answer is serialised there, and serialising the payload as stored overflowed the stack (INTERNAL).
    const url = await app.listen('127.0.0.1', 0);
    const answer = await postGraphQL(url, { query: LETTERS, variables: { source: `src${u}` } }, await tokenFor(app, 'admin'));
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.deadLetters.edges.map((e: { node: Record<string, unknown> }) => e.node)).toEqual([
      { id: `${u}-old`, code: 'MISSING_FIELD', message: 'old', messageId: `${u}-old`, payload: summary },
    ]);
  });

  it('takes an item exactly at the depth limit and refuses one level more', async () => {
    const u = unique();
    // The item is level 1, so traits nested 31 deep make 32 levels.
    const { results } = await ingest([event(u, 'at', { traits: nested(31) }), event(u, 'over', { traits: nested(32) })]);
    expect(outcomes(results)).toEqual([['CREATED', null], ['REJECTED', 'PAYLOAD_TOO_DEEP']]);
  });

  it('refuses an item larger than INGEST_MAX_ITEM_BYTES alone', async () => {
    const u = unique();
    const { results } = await ingest([
      event(u, 'big', { properties: { note: 'x'.repeat(40 * 1024) } }),
      event(u, 'wide', { properties: Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i])) }),
      event(u, 'fine', { properties: { note: 'x'.repeat(1024) } }),
    ]);
    expect(outcomes(results)).toEqual([['REJECTED', 'PAYLOAD_TOO_LARGE'], ['REJECTED', 'PAYLOAD_TOO_LARGE'], ['CREATED', null]]);
    expect(results[0].error.message).toMatch(/32768 bytes/);
  });

  it('bounds source records the same way', async () => {
    const u = unique();
    const record = (id: string, attributes: unknown) => ({
      source: `src${u}`,
      externalId: `${u}-${id}`,
      updatedAt: '2026-01-01T00:00:00Z',
      identifiers: [{ type: 'CRM_ID', value: `${u}-${id}` }],
      attributes,
    });
    const { results } = await upsert([record('ok', { city: 'Graz' }), record('deep', nested(6000)), record('big', { blob: 'y'.repeat(40 * 1024) })]);
    expect(outcomes(results)).toEqual([['CREATED', null], ['REJECTED', 'PAYLOAD_TOO_DEEP'], ['REJECTED', 'PAYLOAD_TOO_LARGE']]);
    const [deep] = (await letters(`src${u}`)).filter((l: { code: string }) => l.code === 'PAYLOAD_TOO_DEEP');
    expect(deep.payload).toEqual({ source: `src${u}`, externalId: `${u}-deep`, updatedAt: '2026-01-01T00:00:00Z' });
  });

  it('refuses a corrected resubmission that is too deep, as a result and not a failure', async () => {
    const u = unique();
    const { results } = await ingest([event(u, 'track', { type: 'TRACK' })]);
    expect(outcomes(results)).toEqual([['REJECTED', 'MISSING_FIELD']]);
    const again = await gql(app, RESUBMIT, { id: results[0].deadLetterId, event: event(u, 'track', { type: 'TRACK', event: 'Bought', context: nested(6000) }) });
    expect(again.resubmitDeadLetter).toEqual({ outcome: 'REJECTED', deadLetterId: results[0].deadLetterId, error: { code: 'PAYLOAD_TOO_DEEP' } });
  });

  it('refuses NUL characters and lone surrogates in identifiers, names and keys, item by item', async () => {
    const u = unique();
    const { results } = await ingest([
      event(u, 'nul-user', { userId: `${u}-a\u0000b` }),
      event(u, 'lone-anon', { userId: undefined, anonymousId: `${u}-\ud800` }),
      event(u, 'lone-low', { userId: `${u}-\udc00x` }),
      event(u, 'nul-email', { traits: { email: `a${u}\u0000@example.com` } }),
      event(u, 'nul-key', { traits: { ['first\u0000Name']: 'Ada' } }),
      event(u, 'nul-source', { source: `src${u}\u0000` }),
      event(u, 'nul-event', { type: 'TRACK', event: 'Order\u0000Completed' }),
      event(u, 'lone-device', { context: { device: { id: `${u}-\udfff` } } }),
      // A surrogate pair is a character like any other.
      event(u, 'emoji', { userId: `${u}-\ud83d\ude00` }),
    ]);
    expect(outcomes(results)).toEqual([
      ...Array.from({ length: 8 }, () => ['REJECTED', 'INVALID_TEXT']),
      ['CREATED', null],
    ]);
    expect(results[0].error.message).toBe('userId contains a NUL character (U+0000)');
    expect(results[1].error.message).toBe('anonymousId contains a lone surrogate (U+D800): send well-formed UTF-16');
    expect(results[4].error.message).toBe('a key in traits contains a NUL character (U+0000)');
    expect(results[7].error.message).toBe('context.device.id contains a lone surrogate (U+DFFF): send well-formed UTF-16');
    // Kept as dead letters like any other refusal: the text survives storage escaped.
    const [kept] = (await letters(`src${u}`)).filter((l: { messageId: string }) => l.messageId === `${u}-nul-user`);
    expect(kept).toMatchObject({ code: 'INVALID_TEXT', payload: { userId: `${u}-a\u0000b` } });
  });

  it('refuses the same in source records: externalId, source, identifier values, attribute keys', async () => {
    const u = unique();
    const record = (id: string, extra: Record<string, unknown> = {}) => ({
      source: `src${u}`,
      externalId: `${u}-${id}`,
      updatedAt: '2026-01-01T00:00:00Z',
      identifiers: [{ type: 'CRM_ID', value: `${u}-${id}` }],
      ...extra,
    });
    const { results } = await upsert([
      record('ext', { externalId: `${u}-\u0000` }),
      record('src', { source: `\ud800src${u}` }),
      record('id', { identifiers: [{ type: 'CRM_ID', value: `${u}\u0000` }] }),
      record('key', { attributes: { ['\udbff']: 'x' } }),
      record('ok'),
    ]);
    expect(outcomes(results)).toEqual([
      ['REJECTED', 'INVALID_TEXT'],
      ['REJECTED', 'INVALID_TEXT'],
      ['REJECTED', 'INVALID_TEXT'],
      ['REJECTED', 'INVALID_TEXT'],
      ['CREATED', null],
    ]);
    expect(results[2].error.message).toBe('identifiers[0].value contains a NUL character (U+0000)');
  });
});
