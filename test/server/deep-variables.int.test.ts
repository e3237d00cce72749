import WebSocket from 'ws';
import { gql, startTestApp, tokenFor, unique, type TestApp } from '../support/test-app';

/** 20,000 levels of arrays in 40 KB: within the message limits, far beyond what a recursive walk survives. */
const DEEP = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;

const CHANGED = 'subscription($id: ID!) { customerChanged(id: $id) { change customer { id } } }';

/** A graphql-ws conversation over a raw socket: the client library could not serialise such variables itself. */
async function rawWs(url: string, token: string) {
  const socket = new WebSocket(`${url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
  const messages: Record<string, any>[] = [];
  const waiters: (() => void)[] = [];
  socket.on('message', (data) => {
    messages.push(JSON.parse(String(data)));
    waiters.splice(0).forEach((wake) => wake());
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const next = async (type: string) => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = messages.findIndex((m) => m.type === type || m.type === 'error');
      if (found >= 0) return messages.splice(found, 1)[0];
      if (Date.now() > deadline) throw new Error(`no ${type} message; got ${JSON.stringify(messages)}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  };
  socket.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: `Bearer ${token}` } }));
  await next('connection_ack');
  return { socket, next };
}

describe('variables nested deeper than any walk could follow', () => {
  let app: TestApp;
  let url: string;
  beforeAll(async () => {
    app = await startTestApp();
    url = await app.listen('127.0.0.1', 0);
  });
  afterAll(() => app.close());

  it('do not break a graphql-ws subscription when they are not even declared', async () => {
    const u = unique();
    const ingest = (messageId: string) =>
      gql(app, 'mutation($e: [IdentityEventInput!]!) { ingestEvents(events: $e) { results { customerId } } }', {
        e: [{ messageId, type: 'IDENTIFY', userId: `${u}-user` }],
      });
    const customerId = (await ingest(`${u}-1`)).ingestEvents.results[0].customerId;
    const { socket, next } = await rawWs(url, await tokenFor(app, 'admin'));
    try {
      const payload = `{"query":${JSON.stringify(CHANGED)},"variables":{"id":${JSON.stringify(customerId)},"extra":${DEEP}}}`;
      socket.send(`{"id":"1","type":"subscribe","payload":${payload}}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await gql(app, 'mutation($e: [IdentityEventInput!]!) { ingestEvents(events: $e) { created } }', {
        e: [{ messageId: `${u}-2`, type: 'IDENTIFY', userId: `${u}-user`, traits: { firstName: 'Ada' } }],
      });
      const event = await next('next');
      expect(event).toMatchObject({ id: '1', type: 'next', payload: { data: { customerChanged: { customer: { id: customerId } } } } });
    } finally {
      socket.close();
    }
  });

  it('do not break an operation over HTTP when they are not even declared', async () => {
    const body = `{"query":"query($id: ID!) { customer(id: $id) { id } }","variables":{"id":"nobody","extra":${DEEP}}}`;
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor(app, 'admin')}` },
      body,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { customer: null } });
  });
});
