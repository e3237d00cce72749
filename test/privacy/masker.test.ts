import { IdentifierTypes } from '../../src/kernel/identifier-types';
import { IdentifierNormalizer } from '../../src/identity/identifier-normalizer';
import { decodeCandidates } from '../../src/identity/stored-candidates';
import { recordKey } from '../../src/kernel/identifier-type';
import type { CopyLine, CopyNode, CopyRelationship } from '../../src/privacy/masked-copy/copy-format';
import { Masker } from '../../src/privacy/masked-copy/masker';

const normalizer = new IdentifierNormalizer({ defaultRegion: 'DE', blockedPatterns: [] });
const KEY = 'a-test-masking-key-of-at-least-32-characters';

const PII = {
  email: 'ada.lovelace@example.org',
  rawEmail: ' Ada.Lovelace@Example.ORG ',
  phone: '+4915123456789',
  rawPhone: '0151 2345 6789',
  firstName: 'Augusta',
  lastName: 'Lovelace',
  userId: 'user-ada-1815',
  crmId: 'CRM-ADA-1815',
  deviceId: 'device-ada-tablet',
  street: '12 St James Square',
  birthday: '1815-12-10',
};

/** A small graph shaped like the real one: every place a value of the person can sit. */
function graph(): CopyLine[] {
  const t = { $datetime: '2026-01-01T00:00:00.000Z' };
  const nodes: CopyNode[] = [
    {
      kind: 'node', ref: 'c1', labels: ['Customer'],
      properties: {
        id: 'cust-1', status: 'ACTIVE', createdAt: t, email: PII.email, phone: PII.phone, firstName: PII.firstName, lastName: PII.lastName,
        street: PII.street, birthday: PII.birthday, city: 'London', country: 'GB',
        candidates: JSON.stringify({ email: [{ value: PII.email, source: 'crm', at: '2026-01-01T00:00:00Z', ref: `RECORD:crm:${PII.crmId}` }] }),
        attributeLineage: JSON.stringify([{ attribute: 'email', source: 'crm', at: '2026-01-01T00:00:00Z', ref: `RECORD:crm:${PII.crmId}` }]),
      },
    },
    { kind: 'node', ref: 'c2', labels: ['Customer'], properties: { id: 'cust-2', status: 'MERGED', mergedInto: 'cust-1' } },
    { kind: 'node', ref: 'i1', labels: ['Identifier'], properties: { key: `EMAIL:${PII.email}`, type: 'EMAIL', value: PII.email } },
    { kind: 'node', ref: 'i2', labels: ['Identifier'], properties: { key: `PHONE:${PII.phone}`, type: 'PHONE', value: PII.phone } },
    { kind: 'node', ref: 'i3', labels: ['Identifier'], properties: { key: `CRM_ID:${PII.crmId}`, type: 'CRM_ID', value: PII.crmId } },
    { kind: 'node', ref: 'i4', labels: ['Identifier'], properties: { key: `DEVICE_ID:${PII.deviceId}`, type: 'DEVICE_ID', value: PII.deviceId } },
    { kind: 'node', ref: 'd1', labels: ['Device'], properties: { id: PII.deviceId, model: 'iPad' } },
    {
      kind: 'node', ref: 'r1', labels: ['SourceRecord'],
      properties: {
        key: `RECORD:crm:${PII.crmId}`, source: 'crm', externalId: PII.crmId, updatedAt: t,
        attributes: JSON.stringify({ firstName: PII.firstName, email: PII.rawEmail, phone: PII.rawPhone, notes: `call ${PII.lastName}`, address: { street: PII.street, city: 'London' } }),
      },
    },
    { kind: 'node', ref: 'm1', labels: ['Merge'], properties: { id: 'merge-1', cause: `RECORD:crm:${PII.crmId}`, ruleVersion: 1 } },
    {
      kind: 'node', ref: 'x1', labels: ['Conflict'],
      properties: { id: 'conflict-1', key: 'a'.repeat(64), identifierType: 'PHONE', identifierValue: PII.phone, cause: 'msg-1', lastCause: `RECORD:crm:${PII.crmId}`, count: 2 },
    },
    { kind: 'node', ref: 'n1', labels: ['Ingestion'], properties: { key: `RECORD:crm:${PII.crmId}@2026-01-01T00:00:00.000Z`, customerId: 'cust-1' } },
    { kind: 'node', ref: 'n2', labels: ['Ingestion'], properties: { key: 'EVENT:msg-1', customerId: 'cust-1' } },
    {
      kind: 'node', ref: 'l1', labels: ['DeadLetter'],
      properties: {
        id: 'letter-1', sortKey: '000001767225600000|letter-1', messageId: 'msg-9', code: 'MISSING_FIELD',
        payload: JSON.stringify({ messageId: 'msg-9', type: 'TRACK', userId: PII.userId, traits: { email: PII.rawEmail, name: `${PII.firstName} ${PII.lastName}` } }),
      },
    },
  ];
  const relationships: CopyRelationship[] = [
    { kind: 'relationship', type: 'IDENTIFIES', from: 'i1', to: 'c1', properties: { cause: `RECORD:crm:${PII.crmId}`, causeKind: 'RECORD', firstSeen: t } },
    { kind: 'relationship', type: 'IDENTIFIES', from: 'i2', to: 'c1', properties: { cause: 'msg-1', causeKind: 'EVENT' } },
    { kind: 'relationship', type: 'DESCRIBES', from: 'r1', to: 'c1', properties: {} },
    { kind: 'relationship', type: 'MERGED_INTO', from: 'c2', to: 'c1', properties: { at: t } },
    { kind: 'relationship', type: 'ABSORBED', from: 'm1', to: 'c2', properties: { viaType: 'EMAIL', viaValue: PII.email, viaRecordKey: `RECORD:crm:${PII.crmId}` } },
    { kind: 'relationship', type: 'USED_BY', from: 'd1', to: 'c2', properties: {} },
  ];
  return [...nodes, ...relationships];
}

const mask = (lines: CopyLine[], key = KEY) => {
  const masker = new Masker(key, normalizer);
  return lines.map((line) => (line.kind === 'node' ? masker.node(line) : masker.relationship(line)));
};
const nodeOf = (lines: CopyLine[], ref: string) => lines.find((l) => l.kind === 'node' && l.ref === ref) as CopyNode;
const relOf = (lines: CopyLine[], type: string, from: string) =>
  lines.find((l) => l.kind === 'relationship' && l.type === type && l.from === from) as CopyRelationship;

describe('masked copy: the masker', () => {
  const original = graph();
  const masked = mask(original);
  const text = JSON.stringify(masked).toLowerCase();

  it('leaves no original PII string anywhere, in any spelling it arrived in', () => {
    for (const value of [...Object.values(PII), 'ada.lovelace', 'lovelace', 'augusta', '2345 6789', 'st james']) {
      expect(text).not.toContain(value.toLowerCase().trim());
    }
  });

  it('keeps the structure: same lines, labels, relationship ends and property names', () => {
    expect(masked).toHaveLength(original.length);
    masked.forEach((line, i) => {
      const before = original[i];
      expect(line.kind).toBe(before.kind);
      expect(Object.keys(line.properties).sort()).toEqual(Object.keys(before.properties).sort());
      if (line.kind === 'node') expect([line.ref, line.labels]).toEqual([(before as CopyNode).ref, (before as CopyNode).labels]);
      else expect([line.type, line.from, line.to]).toEqual([(before as CopyRelationship).type, (before as CopyRelationship).from, (before as CopyRelationship).to]);
    });
    // Random ids and non-personal facts stay as they were.
    expect(nodeOf(masked, 'c1').properties).toMatchObject({ id: 'cust-1', city: 'London', country: 'GB', status: 'ACTIVE' });
    // A messageId is the sender's text (it may hold an email): pseudonymised, the same in its idempotency key and causes.
    const messageId = relOf(masked, 'IDENTIFIES', 'i2').properties.cause as string;
    expect(messageId).toMatch(/^msg-[0-9a-f]{20}$/);
    expect(nodeOf(masked, 'n2').properties.key).toBe(`EVENT:${messageId}`);
    expect(nodeOf(masked, 'x1').properties.cause).toBe(messageId);
  });

  it('gives the same pseudonym for the same value, everywhere, and another under another key', () => {
    expect(mask(original)).toEqual(masked);
    const otherKey = mask(original, 'another-masking-key-of-at-least-32-chars');
    expect(nodeOf(otherKey, 'i1').properties.value).not.toBe(nodeOf(masked, 'i1').properties.value);

    const email = nodeOf(masked, 'i1').properties.value as string;
    const phone = nodeOf(masked, 'i2').properties.value as string;
    const crm = nodeOf(masked, 'i3').properties.value as string;
    expect(email).toMatch(/@example\.invalid$/);
    expect(phone).toMatch(/^\+999\d{11}$/);
    // The golden record, the merge, the conflict, the record and the dead letter use the identifiers' pseudonyms.
    expect(nodeOf(masked, 'c1').properties).toMatchObject({ email, phone });
    expect(relOf(masked, 'ABSORBED', 'm1').properties.viaValue).toBe(email);
    expect(nodeOf(masked, 'x1').properties.identifierValue).toBe(phone);
    const record = nodeOf(masked, 'r1').properties;
    expect(record).toMatchObject({ externalId: crm, key: `RECORD:crm:${crm}` });
    expect(JSON.parse(record.attributes as string)).toMatchObject({ email, phone });
    expect(nodeOf(masked, 'd1').properties.id).toBe(nodeOf(masked, 'i4').properties.value);
    expect(JSON.parse(nodeOf(masked, 'l1').properties.payload as string).traits.email).toBe(email);
    // Record keys in causes and idempotency keys point at the masked record.
    expect(relOf(masked, 'IDENTIFIES', 'i1').properties.cause).toBe(`RECORD:crm:${crm}`);
    expect(relOf(masked, 'ABSORBED', 'm1').properties.viaRecordKey).toBe(`RECORD:crm:${crm}`);
    expect(nodeOf(masked, 'n1').properties.key).toBe(`RECORD:crm:${crm}@2026-01-01T00:00:00.000Z`);
    expect(JSON.parse(nodeOf(masked, 'c1').properties.attributeLineage as string)[0].ref).toBe(`RECORD:crm:${crm}`);
    expect(decodeCandidates(nodeOf(masked, 'c1').properties.candidates as string).email![0]).toMatchObject({ value: email, ref: `RECORD:crm:${crm}` });
  });

  it("gives a configured type's value in a payload the pseudonym of its Identifier, as normalised", () => {
    const types = new IdentifierTypes([{ name: 'LOYALTY_ID', fields: ['loyaltyId'], case: 'upper' }]);
    const masker = new Masker(KEY, new IdentifierNormalizer({ defaultRegion: 'DE', blockedPatterns: [], types }));
    const stored = masker.identifierValue('LOYALTY_ID', 'L123456');
    expect(stored).not.toContain('123456');
    const payload = masker.payload({ traits: { loyaltyId: ' l123456 ' } }) as { traits: { loyaltyId: string } };
    expect(payload.traits.loyaltyId).toBe(stored);
  });

  it('keeps every identifier key equal to its type and masked value, and dead-letter sort keys on their ids', () => {
    for (const line of masked.filter((l): l is CopyNode => l.kind === 'node' && l.labels.includes('Identifier'))) {
      expect(line.properties.key).toBe(`${line.properties.type}:${line.properties.value}`);
    }
    const letter = nodeOf(masked, 'l1').properties;
    expect(letter.sortKey).toBe(`000001767225600000|${letter.id}`);
    expect(letter.id).not.toBe('letter-1');
  });

  it('masks a dead letter nested deeper than a stack allows, keeping its shape', () => {
    const masker = new Masker(KEY, normalizer);
    let payload: unknown = { email: PII.rawEmail, userId: PII.userId };
    for (let i = 0; i < 3500; i += 1) payload = { traits: payload, list: [PII.street] };
    const node = masker.node({ kind: 'node', ref: 'x', labels: ['DeadLetter'], properties: { id: 'dl', sortKey: '1|dl', payload: JSON.stringify(payload) } });
    let masked = JSON.parse(node.properties.payload as string) as Record<string, unknown>;
    for (let i = 0; i < 3500; i += 1) {
      expect(masked.list).toEqual([masker.text(PII.street)]);
      masked = masked.traits as Record<string, unknown>;
    }
    expect(masked).toEqual({ email: masker.email(PII.email), userId: masker.token(PII.userId) });
  });

  it('masks the external id inside a record key as it masks the record, escaped parts and all', () => {
    const masker = new Masker(KEY, normalizer);
    const pseudonym = masker.token('eu:42');
    expect(masker.recordKey(recordKey('s:eu', 'eu:42'))).toBe(recordKey('s:eu', pseudonym));
    expect(masker.idempotencyKey(`${recordKey('s:eu', 'eu:42')}@2026-01-01T00:00:00.000Z`)).toBe(`${recordKey('s:eu', pseudonym)}@2026-01-01T00:00:00.000Z`);
  });
});
