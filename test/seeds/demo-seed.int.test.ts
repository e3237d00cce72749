import { seedDemo } from '../../src/seeds/demo-seed';
import { createLogger } from '../../src/observability/logger';
import { gql, startTestApp, type TestApp } from '../support/test-app';

/** The demo data must show what seeds/README.md promises a newcomer. */
describe('the demo data set', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    await seedDemo(app.services.ingestion, createLogger('silent'));
  });
  afterAll(() => app.close());

  const byId = async (type: string, value: string) =>
    (
      await gql(
        app,
        `query($type: IdentifierType!, $value: String!) { customerByIdentifier(type: $type, value: $value) {
          id firstName lastName city identifiers { type value } conflicts { reason identifierType identifierValue }
          sourceRecords { source externalId } mergeHistory { cause } devices { id customersUsing } } }`,
        { type, value },
      )
    ).customerByIdentifier;

  it('is idempotent: loading it again changes nothing', async () => {
    const again = await seedDemo(app.services.ingestion, createLogger('silent'));
    expect(again.CREATED + again.LINKED + again.MERGED).toBe(0);
    expect(again.DUPLICATE).toBe(2583);
    expect(again.REJECTED).toBe(8);
  });

  it('unifies Anna Schmidt across CRM, support, shop, web and mobile', async () => {
    const anna = await byId('USER_ID', 'u-1001');
    expect(anna).toMatchObject({ firstName: 'Anna', lastName: 'Schmidt', city: 'Potsdam' });
    expect(anna.sourceRecords.map((r: { externalId: string }) => r.externalId).sort()).toEqual(['CRM-000130', 'SHOP-200077', 'SUP-004032']);
    expect(anna.identifiers).toEqual(expect.arrayContaining([{ type: 'DEVICE_ID', value: 'dev-688f3ca211f6' }]));
    expect((await byId('EMAIL', ' Anna.Schmidt@Example.com ')).id).toBe(anna.id);
  });

  it('stitches an anonymous visitor to a CRM contact when he logs in', async () => {
    const james = await byId('ANONYMOUS_ID', 'anon-caca2cb0-0cff-4e6e-be32-95915a6e471d');
    expect(james.firstName).toBe('James');
    expect((await byId('USER_ID', 'u-1002')).id).toBe(james.id);
    expect(james.mergeHistory.map((m: { cause: string }) => m.cause)).toContain('demo-evt-000785');
  });

  it('keeps a family sharing a tablet apart: the tablet is shared and links neither of them', async () => {
    const katrin = await byId('USER_ID', 'u-1003');
    const jonas = await byId('USER_ID', 'u-1004');
    expect(katrin.id).not.toBe(jonas.id);
    expect(jonas.devices).toEqual(expect.arrayContaining([{ id: 'dev-428af94a0324', customersUsing: 2 }]));
    expect(jonas.conflicts).toEqual([{ reason: 'SHARED_DEVICE', identifierType: 'DEVICE_ID', identifierValue: 'dev-428af94a0324' }]);
    expect(await byId('DEVICE_ID', 'dev-428af94a0324')).toBeNull();
  });

  it('refuses to merge two users over a shared family email', async () => {
    const thomas = await byId('USER_ID', 'u-1011');
    const sabine = await byId('USER_ID', 'u-1012');
    expect(thomas.id).not.toBe(sabine.id);
    expect((await byId('EMAIL', 'familie.becker@example.net')).id).toBe(thomas.id);
    expect(sabine.conflicts).toEqual(
      expect.arrayContaining([{ reason: 'MERGE_BLOCKED', identifierType: 'EMAIL', identifierValue: 'familie.becker@example.net' }]),
    );
  });
});
