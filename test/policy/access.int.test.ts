import { createClient } from 'graphql-ws';
import { SignJWT } from 'jose';
import { v7 as uuidv7 } from 'uuid';
import WebSocket from 'ws';
import { encodeCursor } from '../../src/shared/connection';
import { as, gql, gqlErrors, startTestApp, TEST_JWT_SECRET, tokenFor, unique, type TestApp } from '../support/test-app';

/** Who may call what: tokens over HTTP and WebSocket, scopes per operation, purpose-bound customer access. */
describe('access', () => {
  let app: TestApp;
  let url: string;
  const u = unique('acc');
  let granted: string;
  let denied: string;
  let silent: string;
  // An id below every customer this file creates (UUIDv7 ids grow with time).
  const floor = uuidv7();

  beforeAll(async () => {
    app = await startTestApp();
    url = await app.listen('127.0.0.1', 0);
    const consent = (personalization?: boolean) =>
      personalization === undefined ? {} : { consent: { categoryPreferences: { personalization } } };
    const results = await app.services.ingestion.ingestEvents([
      { messageId: `${u}-g`, type: 'IDENTIFY', userId: `${u}-g`, traits: { email: `${u}-g@acc.test` }, context: consent(true) },
      { messageId: `${u}-d`, type: 'IDENTIFY', userId: `${u}-d`, traits: { email: `${u}-d@acc.test` }, context: consent(false) },
      { messageId: `${u}-s`, type: 'IDENTIFY', userId: `${u}-s`, traits: { email: `${u}-s@acc.test` } },
    ]);
    [granted, denied, silent] = results.map((r) => r.customerId!);
  });
  afterAll(() => app.close());

  const post = async (body: unknown, token?: string) => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as { data?: any; errors?: { extensions: { code: string } }[] } };
  };

  describe('tokens', () => {
    it('asks an anonymous caller to authenticate, before anything runs', async () => {
      const { status, body } = await post({ query: `{ customer(id: "${granted}") { id } }` });
      expect(status).toBe(401);
      expect(body.data).toBeUndefined();
      expect(body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    });

    it('refuses a bad, forged or expired token with 401 UNAUTHENTICATED', async () => {
      const forged = await new SignJWT({ roles: ['admin'] })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('mallory')
        .setIssuer('customer360')
        .setAudience('customer360-api')
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode('a-different-secret-of-32-characters!!'));
      const expired = await app.minter!.mint({ role: 'admin', ttlSeconds: -60 });
      for (const token of ['not-a-jwt', forged, expired]) {
        const { status, body } = await post({ query: '{ dataDictionary { name } }' }, token);
        expect(status).toBe(401);
        expect(body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
      }
    });

    it('verifies a token once while it is valid, and refuses it once it expired', async () => {
      const token = await app.minter!.mint({ role: 'analyst', ttlSeconds: 2 });
      const first = await app.verifier.verify(token);
      expect(await app.verifier.verify(token)).toBe(first);
      // exp is in whole seconds: 2 s from a floored iat is past after at most 2 s.
      await new Promise((resolve) => setTimeout(resolve, 2100));
      await expect(app.verifier.verify(token)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    });

    it('reads roles, purpose and expiry from a valid token', async () => {
      const principal = await app.verifier.verify(await app.minter!.mint({ role: 'service', purpose: 'personalization', ttlSeconds: 60 }));
      expect(principal).toMatchObject({ roles: ['service'], purpose: 'personalization', authenticated: true });
      expect(principal.scopes.has('pii:read')).toBe(true);
      expect(principal.expiresAt!.getTime()).toBeGreaterThan(Date.now());
      expect(TEST_JWT_SECRET.length).toBeGreaterThanOrEqual(32);
    });
  });

  describe('scopes per operation', () => {
    it('checks a mutation before its side effect', async () => {
      const { errors } = await gqlErrors(
        app,
        `mutation { ingestEvents(events: [{ messageId: "${u}-x", type: "IDENTIFY", userId: "${u}-x" }]) { created } }`,
        {},
        as('analyst'),
      );
      expect(errors[0].extensions?.code).toBe('FORBIDDEN');
      const { customerByIdentifier } = await gql(app, `{ customerByIdentifier(type: USER_ID, value: "${u}-x") { id } }`);
      expect(customerByIdentifier).toBeNull();
    });

    it('keeps dead letters (raw payloads) from analysts and marketers', async () => {
      for (const role of ['analyst', 'marketer', 'service'] as const) {
        const { errors } = await gqlErrors(app, '{ deadLetters(first: 1) { edges { cursor } } }', {}, as(role));
        expect(errors[0].extensions?.code).toBe('FORBIDDEN');
      }
    });
  });

  describe('purpose-bound access', () => {
    const personalization = as('service', { purpose: 'personalization' });

    it('shows a single customer only with GRANTED consent for the purpose; otherwise FORBIDDEN', async () => {
      const read = (id: string) => gqlErrors(app, `{ customer(id: "${id}") { id email } }`, {}, personalization);
      expect((await read(granted)).data?.customer).toEqual({ id: granted, email: `${u}-g@acc.test` });
      for (const id of [denied, silent]) {
        const { data, errors } = await read(id);
        expect(data?.customer).toBeNull();
        expect(errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NO_CONSENT', purpose: 'personalization' });
      }
      const byEmail = await gqlErrors(app, `{ customerByIdentifier(type: EMAIL, value: "${u}-d@acc.test") { id } }`, {}, personalization);
      expect(byEmail.errors[0].extensions?.code).toBe('FORBIDDEN');
      const entities = await gqlErrors(
        app,
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id } } }`,
        { r: [{ __typename: 'Customer', id: denied }] },
        personalization,
      );
      expect(entities.errors[0].extensions?.code).toBe('FORBIDDEN');
    });

    it('leaves non-consenting customers out of lists', async () => {
      // Customers are listed in id order (UUIDv7, so creation order): start just before this file's customers.
      const page = async (principal = personalization) => {
        const seen: string[] = [];
        let after: string | null = encodeCursor([floor]);
        for (let pages = 0; after && pages < 50; pages++) {
          const { customers }: { customers: any } = await gql(
            app,
            `query($after: String) { customers(first: 200, after: $after, filter: { hasIdentifierType: USER_ID }) {
              edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
            { after },
            principal,
          );
          seen.push(...(customers.edges as { node: { id: string } }[]).map((e) => e.node.id));
          after = customers.pageInfo.hasNextPage ? customers.pageInfo.endCursor : null;
        }
        return seen.filter((id) => [granted, denied, silent].includes(id));
      };
      expect(await page()).toEqual([granted]);
      expect((await page(as('service'))).sort()).toEqual([granted, denied, silent].sort());
    });
  });

  describe('purpose-bound tokens elsewhere', () => {
    const personalization = as('service', { purpose: 'personalization' });

    it('are refused the operations about people as such, whatever their scopes', async () => {
      const boundAdmin = as('admin', { purpose: 'personalization' });
      for (const query of [
        `{ exportCustomerData(id: "${granted}") { customerId } }`,
        `{ auditLog(customerId: "${granted}") { edges { cursor } } }`,
        `{ erasureRequest(id: "x") { id } }`,
        `{ deadLetters(first: 1) { edges { cursor } } }`,
      ]) {
        const { errors } = await gqlErrors(app, query, {}, boundAdmin);
        expect(errors[0].extensions?.code).toBe('FORBIDDEN');
      }
      const erase = await gqlErrors(app, `mutation { eraseCustomer(id: "${denied}", reason: "r") { id } }`, {}, boundAdmin);
      expect(erase.errors[0].extensions?.code).toBe('FORBIDDEN');
      expect((await gql(app, `{ exportCustomerData(id: "${denied}") { erasure { id } } }`)).exportCustomerData.erasure).toBeNull();
    });

    it('see an absorbed customer in a MERGED list only by its survivor\'s consent', async () => {
      const v = unique('mrg');
      // The absorbed profile granted first; the person withdrew later, on the survivor.
      const [{ customerId: older }] = await app.services.ingestion.ingestEvents([
        { messageId: `${v}-1`, type: 'IDENTIFY', userId: `${v}-u`, timestamp: '2026-01-01T00:00:00Z' },
      ]);
      const [{ customerId: newer }] = await app.services.ingestion.ingestEvents([
        { messageId: `${v}-2`, type: 'PAGE', anonymousId: `${v}-a`, timestamp: '2026-01-02T00:00:00Z', context: { consent: { categoryPreferences: { personalization: true } } } },
      ]);
      await app.services.ingestion.ingestEvents([{ messageId: `${v}-3`, type: 'IDENTIFY', userId: `${v}-u`, anonymousId: `${v}-a`, timestamp: '2026-01-03T00:00:00Z' }]);
      await app.services.ingestion.ingestEvents([
        { messageId: `${v}-4`, type: 'IDENTIFY', userId: `${v}-u`, timestamp: '2026-01-04T00:00:00Z', context: { consent: { categoryPreferences: { personalization: false } } } },
      ]);
      const merged = async (principal = personalization) => {
        const seen: string[] = [];
        let after: string | null = encodeCursor([floor]);
        for (let pages = 0; after && pages < 50; pages++) {
          const { customers }: { customers: any } = await gql(
            app,
            `query($after: String) { customers(first: 200, after: $after, filter: { status: MERGED }) {
              edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
            { after },
            principal,
          );
          seen.push(...(customers.edges as { node: { id: string } }[]).map((e) => e.node.id));
          after = customers.pageInfo.hasNextPage ? customers.pageInfo.endCursor : null;
        }
        return seen;
      };
      // The PAGE profile was absorbed by the older USER_ID one: listed as MERGED, but not to the purpose token.
      expect(await merged(as('service'))).toContain(newer);
      expect(await merged()).not.toContain(newer);
      expect(older).not.toBe(newer);
    });
  });

  describe('WebSocket', () => {
    const connect = (connectionParams: Record<string, unknown>) =>
      new Promise<{ code: number; reason: string } | 'open'>((resolve) => {
        const client = createClient({
          url: `${url.replace('http', 'ws')}/graphql`,
          webSocketImpl: WebSocket,
          lazy: false,
          // The refusal is what this test expects; the client would print it as an error.
          onNonLazyError: () => {},
          retryAttempts: 0,
          connectionParams,
          on: {
            connected: () => resolve('open'),
            closed: (event) => resolve({ code: (event as CloseEvent).code, reason: (event as CloseEvent).reason }),
          },
        });
        setTimeout(() => void client.dispose(), 3000);
      });

    it('closes a connection with a bad token using the protocol code 4403', async () => {
      expect(await connect({ Authorization: 'Bearer nonsense' })).toMatchObject({ code: 4403 });
    });

    it('ends the subscriptions of a connection when its token expires', async () => {
      const token = await tokenFor(app, 'admin', { ttlSeconds: 2 });
      const closed = new Promise<number>((resolve) => {
        const client = createClient({
          url: `${url.replace('http', 'ws')}/graphql`,
          webSocketImpl: WebSocket,
          retryAttempts: 0,
          connectionParams: { Authorization: `Bearer ${token}` },
          on: { closed: (event) => resolve((event as CloseEvent).code) },
        });
        client.subscribe({ query: `subscription { customerChanged(id: "${granted}") { change } }` }, { next: () => {}, error: () => {}, complete: () => {} });
      });
      expect(await closed).toBe(4403);
    });

    it('refuses a subscription the principal may not start, before it is registered', async () => {
      const client = createClient({ url: `${url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
      const errors = await new Promise<unknown>((resolve) => {
        client.subscribe(
          { query: `subscription { customerChanged(id: "${granted}") { change } }` },
          { next: (result) => resolve(result.errors), error: resolve, complete: () => resolve('completed') },
        );
      });
      await client.dispose();
      expect(JSON.stringify(errors)).toContain('UNAUTHENTICATED');
    });
  });
});
