import { compactLineageMigration } from '../../src/identity/compact-lineage.migration';
import { CypherRegistry } from '../../src/infra/neo4j/cypher-registry';
import { ingestEvents } from '../support/ingest';
import { gql, startTestApp, unique, type TestApp } from '../support/test-app';

/** A profile as written before the lineage was compacted: every golden value's source, time and reference in full. */
const LEGACY_PROFILE = `
  CREATE (:Customer {id: $id, status: 'ACTIVE', createdAt: datetime($at), updatedAt: datetime($at), resolvedAt: datetime($at),
                     firstName: 'Ada', lastName: 'King', candidates: $candidates, attributeLineage: $lineage})`;
const STORED = `MATCH (c:Customer {id: $id}) RETURN c.attributeLineage AS lineage, c.goldenSources AS sources`;
const LINEAGE = /* GraphQL */ `
  query($id: ID!) { customer(id: $id) { firstName lastName attributeLineage { attribute source observedAt cause } } }
`;

describe('the lineage of golden values', () => {
  let app: TestApp;
  const registry = new CypherRegistry();
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('is stored as the source of each value and read in full from the candidates', async () => {
    const userId = unique('u');
    const [web, crm] = [`${userId}-web`, `${userId}-crm`];
    const { results } = await ingestEvents(
      app,
      [
        { messageId: web, type: 'IDENTIFY', userId, traits: { firstName: 'Ada', lastName: 'Lovelace' }, timestamp: '2026-01-02T00:00:00Z', source: 'web' },
        { messageId: crm, type: 'IDENTIFY', userId, traits: { lastName: 'King' }, timestamp: '2026-01-01T00:00:00Z', source: 'crm' },
      ],
      { select: 'results { customerId }' },
    );
    const id = results[0].customerId;
    const [stored] = await app.db.read<{ lineage: string | null; sources: string }>(STORED, { id });
    expect(stored.lineage).toBeNull();
    expect(JSON.parse(stored.sources)).toEqual(expect.objectContaining({ firstName: 'web' }));

    const { customer } = await gql(app, LINEAGE, { id });
    const bySource = Object.fromEntries(customer.attributeLineage.map((l: { attribute: string }) => [l.attribute, l]));
    expect(bySource.firstName).toEqual({ attribute: 'firstName', source: 'web', observedAt: '2026-01-02T00:00:00.000Z', cause: web });
    // Whichever source survivorship picked for lastName, the lineage names that source's own time and event.
    const picked = customer.lastName === 'King' ? { source: 'crm', observedAt: '2026-01-01T00:00:00.000Z', cause: crm } : { source: 'web', observedAt: '2026-01-02T00:00:00.000Z', cause: web };
    expect(bySource.lastName).toEqual({ attribute: 'lastName', ...picked });
  });

  it('stored in full before is compacted by the data migration, and reads the same after it', async () => {
    const id = unique('c');
    const first = { source: 'crm', at: '2026-01-01T00:00:00.000Z', ref: `${id}-r1` };
    const last = { source: 'web', at: '2026-01-03T00:00:00.000Z', ref: `${id}-e7` };
    const candidates = {
      firstName: [{ value: 'Ada', ...first }, { value: 'Adah', source: 'web', at: '2026-01-02T00:00:00.000Z', ref: `${id}-e1` }],
      lastName: [{ value: 'King', ...last }],
    };
    const lineage = [{ attribute: 'firstName', ...first }, { attribute: 'lastName', ...last }];
    await app.db.write((tx) =>
      tx.rows(LEGACY_PROFILE, { id, at: first.at, candidates: JSON.stringify(candidates), lineage: JSON.stringify(lineage) }),
    );

    await compactLineageMigration.run(app.db, registry);

    const [stored] = await app.db.read<{ lineage: string | null; sources: string }>(STORED, { id });
    expect(stored.lineage).toBeNull();
    expect(JSON.parse(stored.sources)).toEqual({ firstName: 'crm', lastName: 'web' });
    const { customer } = await gql(app, LINEAGE, { id });
    expect(customer.attributeLineage).toEqual(lineage.map(({ attribute, source, at, ref }) => ({ attribute, source, observedAt: at, cause: ref })));

    // Run again (a second instance, a restart after a crash): nothing left to change.
    await compactLineageMigration.run(app.db, registry);
    expect(await app.db.read(STORED, { id })).toEqual([stored]);
  });
});
