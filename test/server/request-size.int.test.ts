import WebSocket from 'ws';
import { syntheticEvents } from '../../bench/synthetic-events';
import { startTestApp, tokenFor, unique, type TestApp } from '../support/test-app';
import { customerOfUser, postGraphQL } from '../support/transports';

const INGEST = `mutation($e: [IdentityEventInput!]!) { ingestEvents(events: $e) { created rejected } }`;

/** An ingest call carrying `bytes` of padding in one trait: over a limit, it must not run. */
const paddedEvent = (u: string, bytes: number) => [{ messageId: `${u}-m`, type: 'IDENTIFY', userId: `${u}-user`, traits: { note: 'x'.repeat(bytes) } }];

describe('request and message size', () => {
  let app: TestApp;
  let url: string;
  let token: string;
  beforeAll(async () => {
    app = await startTestApp();
    url = await app.listen('127.0.0.1', 0);
    token = await tokenFor(app, 'admin');
  });
  afterAll(() => app.close());

  it('refuses an HTTP body over 1 MB with 413 and a JSON error, and runs nothing', async () => {
    const u = unique();
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: INGEST, variables: { e: paddedEvent(u, 1024 * 1024) } }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      errors: [{ message: 'Request body larger than 1048576 bytes', extensions: { code: 'PAYLOAD_TOO_LARGE', maxBytes: 1048576 } }],
    });
    expect(await customerOfUser(app, u)).toBeNull();
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/c360_limit_rejections_total\{limit="body",transport="http"\} [1-9]/);
  });

  it('still takes the ingest benchmark batch of 1,000 events in one call', async () => {
    const events = syntheticEvents(1000, unique('size-'));
    const body = { query: INGEST, variables: { e: events } };
    expect(Buffer.byteLength(JSON.stringify(body))).toBeLessThan(1024 * 1024);
    const response = await postGraphQL(url, body, token);
    expect(response.status).toBe(200);
    expect(response.data.ingestEvents.rejected).toBe(0);
  });

  it('closes a graphql-ws connection that sends a message over 64 KB (1009), and runs nothing', async () => {
    const u = unique();
    const socket = new WebSocket(`${url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    const messages: { type: string }[] = [];
    const acknowledged = new Promise<void>((resolve) =>
      socket.on('message', (data) => {
        messages.push(JSON.parse(String(data)));
        if (messages.at(-1)!.type === 'connection_ack') resolve();
      }),
    );
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: `Bearer ${token}` } }));
    await acknowledged;

    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: INGEST, variables: { e: paddedEvent(u, 64 * 1024) } } }));
    expect(await closed).toBe(1009);
    expect(messages.map((m) => m.type)).toEqual(['connection_ack']);
    expect(await customerOfUser(app, u)).toBeNull();
  });
});
