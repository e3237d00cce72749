import { PassThrough } from 'node:stream';
import { IdentifierNormalizer } from '../../src/identity/identifier-normalizer';
import { CypherRegistry } from '../../src/infra/neo4j/cypher-registry';
import type { CopyLine } from '../../src/privacy/masked-copy/copy-format';
import { loadCopy } from '../../src/privacy/masked-copy/copy-loader';
import { writeMaskedCopy } from '../../src/privacy/masked-copy/copy-writer';
import { Masker } from '../../src/privacy/masked-copy/masker';
import { upsertSourceRecords } from '../support/ingest';
import { sourceRecord } from '../support/records';
import { gql, startTestApp, unique, type TestApp } from '../support/test-app';

const KEY = 'a-test-masking-key-of-at-least-32-characters';

const PROFILE = /* GraphQL */ `
  query ByEmail($value: String!) {
    customerByIdentifier(type: EMAIL, value: $value) {
      id firstName email createdAt
      identifiers { type value why { cause } }
      sourceRecords { source externalId attributes }
    }
  }
`;

describe('masked copy against the real Neo4j', () => {
  let app: TestApp;
  const registry = new CypherRegistry();
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('writes the whole graph masked: none of a person’s values, their ids and masked identifier keys intact', async () => {
    const u = unique('mc');
    const email = `copy${u}@example.com`;
    const name = `Name${u}`;
    const result = await upsertSourceRecords(app, [
      sourceRecord({ externalId: `crm${u}`, updatedAt: '2026-01-01T00:00:00Z', attributes: { firstName: name, email }, identifiers: [{ type: 'CRM_ID', value: `crm${u}` }] }),
    ]);
    const customerId = result.results[0].customerId;

    const masker = new Masker(KEY, new IdentifierNormalizer(app.config.identity));
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    const counts = await writeMaskedCopy(app.db, app.config.neo4j.database, registry, masker, out);
    const text = Buffer.concat(chunks).toString('utf8');
    const lines = text.trim().split('\n').map((line) => JSON.parse(line) as CopyLine);

    expect(lines.filter((l) => l.kind === 'node')).toHaveLength(counts.nodes);
    expect(lines.filter((l) => l.kind === 'relationship')).toHaveLength(counts.relationships);
    expect(text.toLowerCase()).not.toContain(u.toLowerCase());
    expect(text).toContain(customerId);
    expect(text).toContain(`"EMAIL:${masker.email(email)}"`);
    expect(text).toContain(`"CRM_ID:${masker.token(`crm${u}`)}"`);
  });

  // The shared test database is not empty and other suites use it: the copy loaded here is small, and every id and
  // identifier in it is unique to this test, so it collides with nothing and no other suite can find it.
  it('loads a copy with parameterised batches: dates, labels and references come back as a usable graph', async () => {
    const u = unique('load');
    const t = { $datetime: '2026-02-01T10:00:00.000Z' };
    const email = `user-${u}@example.invalid`;
    const recordKey = `RECORD:crm:id-${u}`;
    const copy: CopyLine[] = [
      { kind: 'node', ref: 'c', labels: ['Customer'], properties: { id: `cust-${u}`, status: 'ACTIVE', createdAt: t, updatedAt: t, resolvedAt: t, firstName: `Name-${u}`, email } },
      { kind: 'node', ref: 'i', labels: ['Identifier'], properties: { key: `EMAIL:${email}`, type: 'EMAIL', value: email, createdAt: t } },
      { kind: 'node', ref: 'r', labels: ['SourceRecord'], properties: { key: recordKey, source: 'crm', externalId: `id-${u}`, attributes: JSON.stringify({ email }), updatedAt: t, createdAt: t, receivedAt: t } },
      {
        kind: 'relationship', type: 'IDENTIFIES', from: 'i', to: 'c',
        properties: { firstSeen: t, lastSeen: t, linkedAt: t, source: 'crm', causeKind: 'RECORD', cause: recordKey, ruleVersion: 1 },
      },
      { kind: 'relationship', type: 'DESCRIBES', from: 'r', to: 'c', properties: {} },
      { kind: 'relationship', type: 'DESCRIBES', from: 'r', to: 'not-in-this-copy', properties: {} },
    ];

    const counts = await loadCopy(app.db, registry, copy, 2);
    expect(counts).toEqual({ nodes: 3, relationships: 2, skippedRelationships: 1 });

    const customer = (await gql(app, PROFILE, { value: email })).customerByIdentifier;
    expect(customer).toMatchObject({ id: `cust-${u}`, firstName: `Name-${u}`, email, createdAt: '2026-02-01T10:00:00.000Z' });
    expect(customer.identifiers).toEqual([{ type: 'EMAIL', value: email, why: { cause: recordKey } }]);
    expect(customer.sourceRecords).toEqual([{ source: 'crm', externalId: `id-${u}`, attributes: { email } }]);
  });
});
