import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestApp, tokenFor, unique, type TestApp } from '../support/test-app';

/** Real-time clients subscribe over graphql-ws on the same server and path as queries. */
describe('customerChanged over graphql-ws', () => {
  let app: TestApp;
  let client: Client;
  beforeAll(async () => {
    app = await startTestApp();
    const url = await app.listen('127.0.0.1', 0);
    const token = await tokenFor(app, 'admin');
    client = createClient({
      url: `${url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
      connectionParams: { Authorization: `Bearer ${token}` },
    });
  });
  afterAll(async () => {
    await client.dispose();
    await app.close();
  });

  /** Collects `count` events of one subscription, starting it before `trigger` runs. */
  async function collect(query: string, count: number, trigger: () => Promise<unknown>) {
    const events: any[] = [];
    const iterator = client.iterate({ query });
    const received = (async () => {
      for await (const event of iterator) {
        events.push(event.data);
        if (events.length === count) break;
      }
    })();
    // Let the server register the subscription before anything is published.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await trigger();
    await received;
    return events;
  }

  it('pushes an update with the profile as it is now', async () => {
    const u = unique();
    const [created] = await app.services.ingestion.ingestEvents([{ messageId: `${u}-1`, type: 'IDENTIFY', userId: `${u}-u` }]);
    const events = await collect(
      `subscription { customerChanged(id: "${created.customerId}") { customerId change customer { email } } }`,
      1,
      () => app.services.ingestion.ingestEvents([{ messageId: `${u}-2`, type: 'IDENTIFY', userId: `${u}-u`, traits: { email: `${u}@ws.test` } }]),
    );
    expect(events).toEqual([
      { customerChanged: { customerId: created.customerId, change: 'UPDATED', customer: { email: `${u}@ws.test` } } },
    ]);
  });

  it('tells a subscriber of an absorbed customer where it went', async () => {
    const u = unique();
    const [older] = await app.services.ingestion.ingestEvents([{ messageId: `${u}-1`, type: 'IDENTIFY', userId: `${u}-u` }]);
    const [newer] = await app.services.ingestion.ingestEvents([{ messageId: `${u}-2`, type: 'PAGE', anonymousId: `${u}-a` }]);
    const events = await collect(`subscription { customerChanged(id: "${newer.customerId}") { change mergedInto customer { id } } }`, 1, () =>
      app.services.ingestion.ingestEvents([{ messageId: `${u}-3`, type: 'IDENTIFY', userId: `${u}-u`, anonymousId: `${u}-a` }]),
    );
    expect(events).toEqual([{ customerChanged: { change: 'MERGED', mergedInto: older.customerId, customer: { id: older.customerId } } }]);
  });

  it('pushes consent changes of one customer', async () => {
    const u = unique();
    const [created] = await app.services.ingestion.ingestEvents([{ messageId: `${u}-1`, type: 'IDENTIFY', userId: `${u}-u` }]);
    const events = await collect(
      `subscription { consentChanged(customerId: "${created.customerId}") { customerId purpose status previousStatus occurredAt source } }`,
      1,
      () =>
        app.services.consent.setConsent({
          customerId: created.customerId!,
          purpose: 'marketing_sms',
          status: 'GRANTED',
          source: 'app',
          occurredAt: new Date('2026-01-05T00:00:00Z'),
          recordedBy: 'test',
        }),
    );
    expect(events).toEqual([
      {
        consentChanged: {
          customerId: created.customerId, purpose: 'marketing_sms', status: 'GRANTED', previousStatus: null,
          occurredAt: '2026-01-05T00:00:00.000Z', source: 'app',
        },
      },
    ]);
  });
});
