import { principalOf } from '../../src/auth/principal';
import { maskId, maskRef } from '../../src/policy/masks';
import { recordKey } from '../../src/kernel/identifier-type';
import { as, gql, startTestApp, unique, type TestApp } from '../support/test-app';

/**
 * Ids hold whatever a sender puts in them: here an email sent as a userId, a device id, a messageId and a record's
 * externalId. Wherever such a value shows (identifier, device, record, causes, lineage, merges, conflicts, dead
 * letters), it is PII: masked for analysts, clear with pii:read and audited, and no summary repeats it.
 */
describe('identifier values, external ids and causes are PII', () => {
  let app: TestApp;
  const u = unique('idpii');
  const email = `${u}@mail.test`;
  const source = `n${u}`;
  let customerId: string;
  /** What was sent in ids: none of it may show to a reader of masked values. */
  const sent = [email, `${u}-other`, `${u}-anon`, `${u}-m2`];
  const expectNoneOf = (text: string) => sent.forEach((value) => expect(text).not.toContain(value));

  const record = (updatedAt: string, identifiers: { type: string; value: string }[]) => ({
    source,
    externalId: email,
    updatedAt,
    attributes: { firstName: 'Ida' },
    identifiers,
    consents: [{ purpose: 'marketing_email', status: 'GRANTED' }],
  });

  beforeAll(async () => {
    app = await startTestApp();
    const { ingestion } = app.services;
    [{ customerId: customerId }] = (await ingestion.ingestEvents([
      { messageId: `${email}-m1`, type: 'IDENTIFY', userId: email, context: { device: { id: email } } },
    ])) as { customerId: string }[];
    await ingestion.ingestEvents([{ messageId: `${u}-m2`, type: 'PAGE', anonymousId: `${u}-anon` }]);
    await ingestion.upsertSourceRecords([record('2026-01-01T00:00:00Z', [{ type: 'USER_ID', value: email }])]);
    // A second user id is refused (one per customer): a conflict caused by the record.
    await ingestion.upsertSourceRecords([record('2026-01-02T00:00:00Z', [{ type: 'USER_ID', value: `${u}-other` }])]);
    // The record ties the anonymous profile to the customer: a merge caused by the record.
    await ingestion.upsertSourceRecords([record('2026-01-03T00:00:00Z', [{ type: 'ANONYMOUS_ID', value: `${u}-anon` }])]);
  });
  afterAll(() => app.close());

  const PROVENANCE = /* GraphQL */ `
    query($id: ID!) {
      customer(id: $id) {
        identifiers { type value why { cause summary } }
        devices { id }
        sourceRecords { source externalId }
        attributeLineage { attribute cause }
        consentHistory { cause }
        mergeHistory { cause absorbed { viaRecordKey } }
        conflicts { identifierValue cause lastCause }
      }
    }
  `;
  const key = recordKey(source, email);

  it('masks every place the values show for an analyst, and no summary repeats them', async () => {
    const { customer } = await gql(app, PROVENANCE, { id: customerId }, as('analyst'));
    expectNoneOf(JSON.stringify(customer));

    const byType = Object.fromEntries(customer.identifiers.map((i: { type: string }) => [i.type, i]));
    expect(byType.USER_ID).toEqual({
      type: 'USER_ID',
      value: maskId(email),
      why: { cause: maskRef(`${email}-m1`), summary: expect.stringMatching(/^Linked by an event from events at \S+ under match rules v\d+$/) },
    });
    expect(byType.DEVICE_ID.value).toBe(maskId(email));
    expect(byType.ANONYMOUS_ID.why.summary).toMatch(/^Linked by an event from events /);
    expect(customer.devices).toEqual([{ id: maskId(email) }]);
    expect(customer.sourceRecords).toEqual([{ source, externalId: maskId(email) }]);
    expect(customer.attributeLineage).toEqual([{ attribute: 'firstName', cause: maskRef(key) }]);
    expect(new Set(customer.consentHistory.map((c: { cause: string }) => c.cause))).toEqual(new Set([maskRef(key)]));
    expect(customer.mergeHistory).toEqual([expect.objectContaining({ cause: maskRef(key) })]);
    expect(customer.conflicts).toEqual([{ identifierValue: maskId(`${u}-other`), cause: maskRef(key), lastCause: maskRef(key) }]);
  });

  it('shows them in clear with pii:read, and audits each of those reads', async () => {
    const subject = unique('steward');
    const { customer } = await gql(app, PROVENANCE, { id: customerId }, as('steward', { subject }));
    expect(customer.identifiers.find((i: { type: string }) => i.type === 'USER_ID')).toMatchObject({ value: email, why: { cause: `${email}-m1` } });
    expect(customer.devices).toEqual([{ id: email }]);
    expect(customer.sourceRecords).toEqual([{ source, externalId: email }]);
    expect(customer.attributeLineage).toEqual([{ attribute: 'firstName', cause: key }]);
    expect(customer.conflicts).toEqual([{ identifierValue: `${u}-other`, cause: key, lastCause: key }]);

    await app.services.audit.flush();
    const entries = (await app.services.audit.entriesFor([customerId])).filter((entry) => entry.subject === subject);
    expect(entries).toHaveLength(1);
    expect(entries[0].fields).toEqual(
      expect.arrayContaining([
        'AttributeLineage.cause',
        'ConsentRecord.cause',
        'CustomerDevice.id',
        'IdentityConflict.cause',
        'LinkExplanation.cause',
        'LinkedIdentifier.value',
        'MergeRecord.cause',
        'SourceRecordType.externalId',
      ]),
    );
    expect(JSON.stringify(entries)).not.toContain(email);
  });

  it('masks a rejected record’s messageId (it holds the external id) for a reader of masked dead letters', async () => {
    const [rejected] = await app.services.ingestion.upsertSourceRecords([{ source, externalId: email, updatedAt: 'yesterday' }]);
    const reader = principalOf({ subject: unique('reader'), roles: [], extraScopes: ['deadletters:read', 'customers:read', 'pii:masked'] });
    const { deadLetters } = await gql(app, `query($s: String) { deadLetters(source: $s) { edges { node { id messageId message } } } }`, { s: source }, reader);
    const letter = deadLetters.edges.map((e: { node: { id: string } }) => e.node).find((l: { id: string }) => l.id === rejected.deadLetterId);
    expect(letter).toEqual({ id: rejected.deadLetterId, messageId: maskRef(`${key}@yesterday`), message: expect.any(String) });
    expectNoneOf(JSON.stringify(deadLetters));
  });

  it('says so in the data dictionary', async () => {
    const { dataDictionary } = await gql(app, `{ dataDictionary { name fields { name classification mask } } }`, {}, as('analyst'));
    const field = (type: string, name: string) =>
      dataDictionary.find((t: { name: string }) => t.name === type).fields.find((f: { name: string }) => f.name === name);
    expect(field('LinkedIdentifier', 'value')).toEqual({ name: 'value', classification: 'PII', mask: 'identifier' });
    expect(field('SourceRecordType', 'externalId')).toEqual({ name: 'externalId', classification: 'PII', mask: 'id' });
    expect(field('CustomerDevice', 'id')).toEqual({ name: 'id', classification: 'PII', mask: 'id' });
    for (const [type, name] of [['LinkExplanation', 'cause'], ['AttributeLineage', 'cause'], ['DeadLetterType', 'messageId'], ['AbsorbedCustomer', 'viaRecordKey']]) {
      expect(field(type, name)).toEqual({ name, classification: 'PII', mask: 'ref' });
    }
  });
});
