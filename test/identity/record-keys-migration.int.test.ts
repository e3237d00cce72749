import { legacyRecordKey, recordKey } from '../../src/kernel/identifier-type';
import { compactLineageMigration } from '../../src/identity/compact-lineage.migration';
import { recordKeysMigration } from '../../src/ingestion/record-keys.migration';
import { CypherRegistry } from '../../src/infra/neo4j/cypher-registry';
import { SuppressionHasher } from '../../src/privacy/suppression-hasher';
import { upsertSourceRecords } from '../support/ingest';
import { sourceRecord } from '../support/records';
import { gql, startTestApp, unique, type TestApp } from '../support/test-app';

/**
 * What a database written before record keys were escaped holds about one record: its key and everything naming
 * it, as the code of that time wrote them. Test-only statements (the app never writes the old format any more).
 */
const LEGACY = {
  record: `
    CREATE (c:Customer {id: $customerId, status: 'ACTIVE', createdAt: datetime($at), updatedAt: datetime($at), resolvedAt: datetime($at),
                        firstName: 'Ada', candidates: $candidates, attributeLineage: $lineage})
    CREATE (absorbed:Customer {id: $absorbedId, status: 'MERGED', mergedInto: $customerId, createdAt: datetime($at), updatedAt: datetime($at),
                               candidates: $candidates, attributeLineage: $lineage})-[:MERGED_INTO {at: datetime($at)}]->(c)
    CREATE (:SourceRecord {key: $key, source: $source, externalId: $externalId, attributes: '{}', updatedAt: datetime($at),
                           createdAt: datetime($at), receivedAt: datetime($at)})-[:DESCRIBES]->(c)
    CREATE (:Identifier {key: 'CRM_ID:' + $crmId, type: 'CRM_ID', value: $crmId, createdAt: datetime($at)})
           -[:IDENTIFIES {firstSeen: datetime($at), lastSeen: datetime($at), linkedAt: datetime($at), source: $source,
                          causeKind: 'RECORD', cause: $key, ruleVersion: 1}]->(c)
    CREATE (:Ingestion {key: $key + '@' + $at, causeKind: 'RECORD', customerId: $customerId, outcome: 'CREATED', receivedAt: datetime($at)})
    CREATE (absorbed)-[:GAVE_CONSENT]->(:Consent {id: $customerId + '-consent', purpose: 'marketing_email', status: 'GRANTED', source: $source,
                                                  occurredAt: datetime($at), recordedAt: datetime($at), causeKind: 'RECORD', cause: $key})
    CREATE (m:Merge {id: $customerId + '-merge', at: datetime($at), ruleVersion: 1, causeKind: 'RECORD', cause: $key})-[:SURVIVOR]->(c)
    CREATE (m)-[:ABSORBED {viaType: null, viaValue: null, viaRecordKey: $key}]->(absorbed)
    CREATE (:Conflict {id: $customerId + '-conflict', key: $customerId + '-conflict', at: datetime($at), reason: 'LIMIT_EXCEEDED',
                       identifierType: 'CRM_ID', identifierValue: $crmId + '-refused', limit: 1, causeKind: 'RECORD', cause: $key,
                       lastCause: $key, ruleVersion: 1, count: 1, lastAt: datetime($at)})-[:CONFLICT_ON]->(c)`,
  deadLetter: `
    CREATE (:DeadLetter {id: $id, kind: 'RECORD', messageId: $messageId, source: $source, code: 'INVALID_FIELD', message: 'rejected',
                         payload: $payload, status: 'OPEN', attempts: 1, createdAt: datetime(), updatedAt: datetime(),
                         sortKey: right('000000000000000' + toString(datetime().epochMillis), 15) + '|' + $id})`,
  suppression: `CREATE (:Suppression {hash: $hash, createdAt: datetime()})`,
  recordKeys: `MATCH (r:SourceRecord) WHERE r.source = $source RETURN r.externalId AS externalId, r.key AS key ORDER BY externalId`,
  ingestions: `MATCH (n:Ingestion {customerId: $customerId}) RETURN n.key AS key`,
  deadLetterMessageId: `MATCH (d:DeadLetter {id: $id}) RETURN d.messageId AS messageId`,
};

const AT = '2026-01-01T00:00:00.000Z';

const PROVENANCE = /* GraphQL */ `
  query($id: ID!) {
    customer(id: $id) {
      identifiers { value why { cause } }
      attributeLineage { attribute cause }
      consentHistory { cause }
      mergeHistory { cause absorbed { viaRecordKey } }
      conflicts { cause lastCause }
    }
  }
`;

describe('the migration to escaped record keys', () => {
  let app: TestApp;
  const registry = new CypherRegistry();
  const run = (statement: string, params: Record<string, unknown>) => app.db.write((tx) => tx.rows(statement, params));
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  /** A legacy record of `source` with `externalId`; its customer holds every kind of reference to its key. */
  async function legacyRecord(source: string, externalId: string) {
    const key = legacyRecordKey(source, externalId);
    const customerId = unique('c');
    const crmId = unique('crm');
    const ref = { source, at: AT, ref: key };
    await run(LEGACY.record, {
      key, source, externalId, customerId, crmId, absorbedId: unique('c'), at: AT,
      candidates: JSON.stringify({ firstName: [{ value: 'Ada', ...ref }] }),
      lineage: JSON.stringify([{ attribute: 'firstName', ...ref }]),
    });
    return { customerId, crmId, key };
  }

  it('rewrites a record key and every reference to it, so replays stay duplicates and the provenance still names it', async () => {
    const source = unique('s');
    // `a%3Ab` is, unescaped, what `a:b` becomes escaped: the rewrite must not hand one record's key to the other.
    const colon = await legacyRecord(source, 'a:b');
    const percent = await legacyRecord(source, 'a%3Ab');
    const plain = await legacyRecord(source, 'plain');

    await recordKeysMigration.run(app.db, registry);
    // The migration after it, as an upgrade runs them: profiles of that time stored their lineage in full.
    await compactLineageMigration.run(app.db, registry);

    const keys = await app.db.read<{ externalId: string; key: string }>(LEGACY.recordKeys, { source });
    expect(keys).toEqual([
      { externalId: 'a%3Ab', key: `RECORD:${source}:a%253Ab` },
      { externalId: 'a:b', key: `RECORD:${source}:a%3Ab` },
      { externalId: 'plain', key: `RECORD:${source}:plain` },
    ]);
    for (const [record, externalId] of [[colon, 'a:b'], [percent, 'a%3Ab'], [plain, 'plain']] as const) {
      const escaped = recordKey(source, externalId);
      const { customer } = await gql(app, PROVENANCE, { id: record.customerId });
      expect(customer).toEqual({
        identifiers: [{ value: record.crmId, why: { cause: escaped } }],
        attributeLineage: [{ attribute: 'firstName', cause: escaped }],
        consentHistory: [{ cause: escaped }],
        mergeHistory: [{ cause: escaped, absorbed: [{ viaRecordKey: escaped }] }],
        conflicts: [{ cause: escaped, lastCause: escaped }],
      });
      expect(await app.db.read(LEGACY.ingestions, { customerId: record.customerId })).toEqual([{ key: `${escaped}@${AT}` }]);

      const version = (updatedAt: string) => sourceRecord({ source, externalId, updatedAt, identifiers: [{ type: 'CRM_ID', value: record.crmId }] });
      const { results } = await upsertSourceRecords(app, [version(AT), version('2026-02-01T00:00:00Z')], { select: 'results { outcome customerId }' });
      const [replay, newer] = results;
      expect(replay).toEqual({ outcome: 'DUPLICATE', customerId: record.customerId });
      expect(newer).toEqual({ outcome: 'LINKED', customerId: record.customerId });
    }

    // Run again (a second instance, a restart after a crash): nothing changes.
    await recordKeysMigration.run(app.db, registry);
    expect(await app.db.read(LEGACY.recordKeys, { source })).toEqual(keys);
  });

  it('makes a rejected record’s messageId again from its payload', async () => {
    const source = unique('s');
    const id = unique('letter');
    const payload = { source, externalId: 'eu:42', updatedAt: 'not a time' };
    await run(LEGACY.deadLetter, { id, source, payload: JSON.stringify(payload), messageId: `${legacyRecordKey(source, 'eu:42')}@not a time` });
    await recordKeysMigration.run(app.db, registry);
    expect(await app.db.read(LEGACY.deadLetterMessageId, { id })).toEqual([{ messageId: `RECORD:${source}:eu%3A42@not a time` }]);
  });

  it('still suppresses a record erased before, by the key its suppression hashed then', async () => {
    const source = unique('s');
    const hasher = new SuppressionHasher(app.config.privacy.suppressionSalt);
    await run(LEGACY.suppression, { hash: hasher.hash(legacyRecordKey(source, 'eu:42')) });
    // Stored after the migration, a suppression is of an escaped key only.
    await recordKeysMigration.run(app.db, registry);
    await run(LEGACY.suppression, { hash: hasher.hash(legacyRecordKey(source, 'us:7')) });

    const record = (externalId: string) => sourceRecord({ source, externalId, updatedAt: AT, identifiers: [{ type: 'CRM_ID', value: unique('crm') }] });
    const { results } = await upsertSourceRecords(app, [record('eu:42'), record('us:7')]);
    expect(results.map((r: { outcome: string }) => r.outcome)).toEqual(['SUPPRESSED', 'CREATED']);
  });
});
