import { identify } from '../support/events';
import { ingestEvents, upsertSourceRecords } from '../support/ingest';
import type { RecordInput } from '../support/records';
import { sourceRecord } from '../support/records';
import { gql, startTestApp, unique, type TestApp } from '../support/test-app';

const PROFILE = `query($id: ID!) {
  customer(id: $id) { id status firstName identifiers { type value } sourceRecords { source externalId } }
}`;
const REBUILD = `query($id: ID!) { rebuildCustomer(id: $id) { identical } }`;

type Profile = { id: string; status: string; firstName: string | null; identifiers: { type: string; value: string }[]; sourceRecords: { source: string; externalId: string }[] };

describe('a source record its source deleted', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { SOURCE_PRIORITY: 'crm,support,web' } });
  });
  afterAll(() => app.close());

  const upsert = async (records: RecordInput[]) => (await upsertSourceRecords(app, records)).results;
  const profile = async (id: string) => (await gql<{ customer: Profile }>(app, PROFILE, { id })).customer;
  const records = (p: Profile) => p.sourceRecords.map((r) => `${r.source}:${r.externalId}`).sort();
  const identical = async (id: string) => (await gql<{ rebuildCustomer: { identical: boolean } }>(app, REBUILD, { id })).rebuildCustomer.identical;
  const at = (minute: number) => `2026-06-01T10:${String(minute).padStart(2, '0')}:00.000Z`;

  it('detaches it: the customer is re-resolved without it, and only a newer version brings it back', async () => {
    const u = unique('del');
    const email = `${u}@deleted.test`;
    const crm = (fields: RecordInput) => sourceRecord({ source: 'crm', externalId: `${u}-a`, ...fields });
    const [a] = await upsert([crm({ updatedAt: at(1), attributes: { firstName: 'Ann', email } })]);
    const [b] = await upsert([sourceRecord({ source: 'support', externalId: `${u}-b`, updatedAt: at(1), attributes: { firstName: 'Anna', email } })]);
    await ingestEvents(app, [identify({ userId: `${u}-user`, traits: { email } })]);
    expect(b.customerId).toBe(a.customerId);
    expect(await profile(a.customerId!)).toMatchObject({ firstName: 'Ann' });

    const [deleted] = await upsert([crm({ updatedAt: at(2), deleted: true })]);
    expect(deleted).toMatchObject({ outcome: 'DETACHED', customerId: a.customerId });
    const after = await profile(a.customerId!);
    expect(records(after)).toEqual([`support:${u}-b`]);
    // The CRM's name is gone; the support record's is the golden one now. The address stays: others brought it too.
    expect(after.firstName).toBe('Anna');
    expect(after.identifiers.map((i) => i.value).sort()).toEqual([email, `${u}-user`].sort());
    expect(await identical(a.customerId!)).toBe(true);

    // The same deletion again changes nothing; a version older than it, arriving late, is not applied.
    expect((await upsert([crm({ updatedAt: at(2), deleted: true })]))[0]).toMatchObject({ outcome: 'DUPLICATE', customerId: a.customerId });
    expect((await upsert([crm({ updatedAt: at(1), attributes: { firstName: 'Late', email } })]))[0]).toMatchObject({ outcome: 'DUPLICATE', customerId: null });
    expect(await profile(a.customerId!)).toMatchObject({ firstName: 'Anna' });

    // A newer version: the record is back.
    const [back] = await upsert([crm({ updatedAt: at(3), attributes: { firstName: 'Annie', email } })]);
    expect(back).toMatchObject({ customerId: a.customerId });
    expect(await profile(a.customerId!)).toMatchObject({ firstName: 'Annie' });
    expect(records(await profile(a.customerId!))).toEqual([`crm:${u}-a`, `support:${u}-b`]);
    expect(await identical(a.customerId!)).toBe(true);
  });

  it('undoes what only the record did: a merge it made, identifiers only it brought', async () => {
    const u = unique('del');
    const [web] = (await ingestEvents(app, [identify({ anonymousId: `${u}-web`, traits: { email: `${u}-web@deleted.test` } })])).results;
    const [shop] = (await ingestEvents(app, [identify({ anonymousId: `${u}-shop-visitor`, traits: { email: `${u}-shop@deleted.test` } })])).results;
    // A CRM record naming both addresses made one customer of two people.
    const [bridge] = await upsert([sourceRecord({ source: 'crm', externalId: `${u}-bridge`, updatedAt: at(1), identifiers: [{ type: 'EMAIL', value: `${u}-web@deleted.test` }, { type: 'EMAIL', value: `${u}-shop@deleted.test` }, { type: 'CRM_ID', value: `${u}-crm` }] })]);
    expect(bridge.outcome).toBe('MERGED');
    const [deleted] = await upsert([sourceRecord({ source: 'crm', externalId: `${u}-bridge`, updatedAt: at(2), deleted: true })]);
    expect(deleted.outcome).toBe('DETACHED');
    const [one, two] = [await profile(web.customerId!), await profile(shop.customerId!)];
    expect(one.id).not.toBe(two.id);
    expect(one.identifiers.map((i) => i.value).sort()).toEqual([`${u}-web`, `${u}-web@deleted.test`].sort());
    expect(two.identifiers.map((i) => i.value).sort()).toEqual([`${u}-shop-visitor`, `${u}-shop@deleted.test`].sort());
    expect(records(one)).toEqual([]);
    expect(await identical(one.id)).toBe(true);
    expect(await identical(two.id)).toBe(true);
  });

  it('withdraws what only the record gave, even flagged without a new timestamp: its consent, the customer it alone made', async () => {
    const u = unique('del');
    const updatedAt = at(7);
    const record = (fields: RecordInput) => sourceRecord({ source: 'crm', externalId: `${u}-solo`, updatedAt, ...fields });
    const [solo] = await upsert([record({ attributes: { firstName: 'Solo', email: `${u}@deleted.test` }, consents: [{ purpose: 'analytics', status: 'GRANTED' }] })]);
    const consents = async () => (await gql<{ customer: { consents: { purpose: string; status: string }[] } }>(app, `query($id: ID!) { customer(id: $id) { consents { purpose status } } }`, { id: solo.customerId })).customer.consents;
    expect(await consents()).toEqual([{ purpose: 'analytics', status: 'GRANTED' }]);
    // The same updatedAt as the version applied: a source flagging a row deleted without touching its timestamp.
    const [deleted] = await upsert([record({ deleted: true })]);
    expect(deleted).toMatchObject({ outcome: 'DETACHED', customerId: solo.customerId });
    expect(await consents()).toEqual([]);
    expect(await profile(solo.customerId!)).toMatchObject({ firstName: null, identifiers: [], sourceRecords: [] });
    expect(await identical(solo.customerId!)).toBe(true);
  });

  it('remembers a deletion of a record it never had', async () => {
    const u = unique('del');
    const [deleted] = await upsert([sourceRecord({ source: 'crm', externalId: `${u}-never`, updatedAt: at(5), deleted: true })]);
    expect(deleted).toMatchObject({ outcome: 'DETACHED', customerId: null });
    // Its versions up to the deletion are not applied when they arrive after it.
    const [late] = await upsert([sourceRecord({ source: 'crm', externalId: `${u}-never`, updatedAt: at(4), attributes: { firstName: 'Ghost', email: `${u}@deleted.test` } })]);
    expect(late).toMatchObject({ outcome: 'DUPLICATE', customerId: null });
  });
});
