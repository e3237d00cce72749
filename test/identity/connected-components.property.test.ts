import fc from 'fast-check';
import { DEFAULT_PRIORITY, UNLIMITED } from '../../src/identity/identity-rules';
import { gql, startTestApp, unique, type TestApp } from '../support/test-app';

/**
 * With merge protection off, customers must be exactly the connected components of the identifier graph,
 * whatever the order of ingestion, the batch sizes, and the concurrency of batches.
 */
const TYPES = ['USER_ID', 'ANONYMOUS_ID', 'EMAIL', 'CRM_ID', 'DEVICE_ID'] as const;
type Type = (typeof TYPES)[number];
type Ident = { type: Type; n: number };

const identArb = fc.record({ type: fc.constantFrom(...TYPES), n: fc.integer({ min: 0, max: 4 }) });
const itemsArb = fc.array(fc.uniqueArray(identArb, { minLength: 1, maxLength: 3, selector: (i) => `${i.type}${i.n}` }), {
  minLength: 1,
  maxLength: 18,
});

const value = (ns: string, { type, n }: Ident) =>
  type === 'EMAIL' ? `${ns}-${n}@pbt.test` : `${ns}-${type.toLowerCase()}-${n}`;

/** Events where the Segment shape can carry the set (one of each type, a userId or anonymousId), records otherwise. */
function toInput(ns: string, index: number, set: Ident[]) {
  const byType = new Map<Type, Ident[]>();
  for (const ident of set) byType.set(ident.type, [...(byType.get(ident.type) ?? []), ident]);
  const single = [...byType.values()].every((list) => list.length === 1);
  const get = (type: Type) => (byType.has(type) ? value(ns, byType.get(type)![0]) : undefined);
  if (single && (byType.has('USER_ID') || byType.has('ANONYMOUS_ID'))) {
    return {
      kind: 'event' as const,
      input: {
        messageId: `${ns}-m${index}`,
        type: 'IDENTIFY',
        userId: get('USER_ID'),
        anonymousId: get('ANONYMOUS_ID'),
        traits: { email: get('EMAIL'), crmId: get('CRM_ID') },
        context: byType.has('DEVICE_ID') ? { device: { id: get('DEVICE_ID') } } : undefined,
      },
    };
  }
  return {
    kind: 'record' as const,
    input: {
      source: 'pbt',
      externalId: `${ns}-r${index}`,
      updatedAt: '2026-01-01T00:00:00Z',
      identifiers: set.map((ident) => ({ type: ident.type, value: value(ns, ident) })),
    },
  };
}

function expectedComponents(items: Ident[][]): string[][] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    while (parent.get(x) !== x) x = parent.get(x)!;
    return x;
  };
  for (const set of items) {
    const keys = set.map((i) => `${i.type}${i.n}`);
    for (const key of keys) if (!parent.has(key)) parent.set(key, key);
    for (const key of keys.slice(1)) parent.set(find(key), find(keys[0]));
  }
  return canonical([...parent.keys()].map((key) => [find(key), key]));
}

const canonical = (pairs: [string, string][]) => {
  const groups = new Map<string, string[]>();
  for (const [group, key] of pairs) groups.set(group, [...(groups.get(group) ?? []), key]);
  return [...groups.values()].map((g) => g.sort()).sort((a, b) => a[0].localeCompare(b[0]));
};

const shuffle = <T>(items: T[], seed: number) => {
  const copy = [...items];
  let s = seed;
  for (let i = copy.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
};

const chunks = <T>(items: T[], size: number) =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

describe('identity resolution converges to connected components (merge protection off)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ rules: { limits: UNLIMITED, priority: DEFAULT_PRIORITY } });
  });
  afterAll(() => app.close());

  async function ingest(batch: ReturnType<typeof toInput>[]) {
    const events = batch.filter((b) => b.kind === 'event').map((b) => b.input);
    const records = batch.filter((b) => b.kind === 'record').map((b) => b.input);
    const [eventResults, recordResults] = await Promise.all([
      app.services.ingestion.ingestEvents(events as never),
      app.services.ingestion.upsertSourceRecords(records as never),
    ]);
    for (const result of [...eventResults, ...recordResults]) expect(result.error).toBeNull();
    // Back in batch order: the i-th id belongs to the i-th input.
    let e = 0;
    let r = 0;
    return batch.map((b) => (b.kind === 'event' ? eventResults[e++] : recordResults[r++]).customerId!);
  }

  /** The partition the graph holds now: identifier -> customer, grouped; plus where each result id resolves. */
  async function observedComponents(ns: string, items: Ident[][], resultIds: string[]) {
    const idents = [...new Map(items.flat().map((i) => [`${i.type}${i.n}`, i])).values()];
    const query = `query($type: IdentifierType!, $value: String!) { customerByIdentifier(type: $type, value: $value) { id status } }`;
    const owners = await Promise.all(
      idents.map(async (ident) => (await gql(app, query, { type: ident.type, value: value(ns, ident) })).customerByIdentifier),
    );
    for (const owner of owners) expect(owner).toMatchObject({ status: 'ACTIVE' });
    const survivors = await Promise.all(
      resultIds.map(async (id) => (await gql(app, `query($id: ID!) { customer(id: $id) { id } }`, { id })).customer.id as string),
    );
    // Identifiers must hang directly on the active survivor, not on a merged profile the read path redirects from.
    const direct = await Promise.all(
      [...new Set(owners.map((o) => o.id as string))].map(async (id) => {
        const { customer } = await gql(app, `query($id: ID!) { customer(id: $id) { id identifiers { type value } } }`, { id });
        return (customer.identifiers as { type: Type; value: string }[]).map(
          (i) => [id, `${i.type}${i.value.replace(/.*-(\d+)(@pbt\.test)?$/, '$1')}`] as [string, string],
        );
      }),
    );
    return {
      direct: canonical(direct.flat()),
      partition: canonical(idents.map((ident, i) => [owners[i].id, `${ident.type}${ident.n}`])),
      owners: new Map(idents.map((ident, i) => [`${ident.type}${ident.n}`, owners[i].id as string])),
      survivors,
    };
  }

  async function check(mode: string, items: Ident[][], run: (inputs: ReturnType<typeof toInput>[]) => Promise<string[]>) {
    const ns = unique(mode);
    const inputs = items.map((set, index) => toInput(ns, index, set));
    const resultIds = await run(inputs);
    const observed = await observedComponents(ns, items, resultIds);
    const expected = expectedComponents(items);
    expect(observed.partition).toEqual(expected);
    expect(observed.direct).toEqual(expected);
    // No stray customers: every customer an item reported resolves to the one owning its identifiers.
    items.forEach((set, i) => {
      expect(observed.survivors[i]).toBe(observed.owners.get(`${set[0].type}${set[0].n}`));
    });
  }

  it('serially, one item per call, in the given order', async () => {
    await fc.assert(
      fc.asyncProperty(itemsArb, async (items) => {
        await check('serial', items, async (inputs) => {
          const ids: string[] = [];
          for (const input of inputs) ids.push(...(await ingest([input])));
          return ids;
        });
      }),
      { numRuns: 12 },
    );
  });

  it('shuffled, in batches of random size', async () => {
    await fc.assert(
      fc.asyncProperty(itemsArb, fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 8 }), async (items, seed, size) => {
        const order = shuffle(items.map((_, i) => i), seed);
        const shuffled = order.map((i) => items[i]);
        await check('shuffled', shuffled, async (inputs) => {
          const ids: string[] = [];
          for (const batch of chunks(inputs, size)) ids.push(...(await ingest(batch)));
          return ids;
        });
      }),
      { numRuns: 12 },
    );
  });

  it('as concurrent batches touching the same identifiers', async () => {
    await fc.assert(
      fc.asyncProperty(itemsArb, fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 3 }), async (items, seed, size) => {
        const order = shuffle(items.map((_, i) => i), seed);
        const shuffled = order.map((i) => items[i]);
        await check('concurrent', shuffled, async (inputs) => {
          // Each batch keeps its items in order; batches race each other on one shared database.
          const results = await Promise.all(chunks(inputs, size).map((batch) => ingest(batch)));
          return results.flat();
        });
      }),
      { numRuns: 40 },
    );
  });
});
