import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { principalOf } from '../../src/auth/principal';
import { maskId } from '../../src/policy/masks';
import { ADMIN, as, gql, gqlErrors, startTestApp, tokenFor, unique, type TestApp } from '../support/test-app';

/**
 * PII is masked for analysts, clear with pii:read, refused (null + FORBIDDEN on that field only) without either,
 * however it is reached: aliases, fragments, nested identity links, `_entities` and subscriptions.
 */
describe('field-level PII policy', () => {
  let app: TestApp;
  const u = unique('pii');
  const email = `${u}@policy.test`;
  let customerId: string;
  let absorbedId: string;
  // Reads non-PII customer data but no PII at all.
  const NO_PII = principalOf({ subject: 'no-pii', roles: [], extraScopes: ['customers:read'] });

  beforeAll(async () => {
    app = await startTestApp();
    const [first] = await app.services.ingestion.ingestEvents([
      {
        messageId: `${u}-1`,
        type: 'IDENTIFY',
        userId: `${u}-u`,
        traits: {
          email,
          phone: '+49 151 12345612',
          firstName: 'Johanna',
          lastName: 'Schulz',
          birthday: '1985-03-14',
          address: { street: 'Unter den Linden 1', city: 'Berlin', postalCode: '10117', country: 'DE' },
        },
      },
    ]);
    const [other] = await app.services.ingestion.ingestEvents([{ messageId: `${u}-2`, type: 'PAGE', anonymousId: `${u}-a` }]);
    await app.services.ingestion.ingestEvents([{ messageId: `${u}-3`, type: 'IDENTIFY', userId: `${u}-u`, anonymousId: `${u}-a` }]);
    customerId = first.customerId!;
    absorbedId = other.customerId!;
  });
  afterAll(() => app.close());
  let url: string | undefined;
  const listening = async () => (url ??= await app.listen('127.0.0.1', 0));

  const PROFILE = `query($id: ID!) { customer(id: $id) { id firstName lastName email phone birthday street city postalCode country } }`;

  it('gives pii:read values in clear', async () => {
    const { customer } = await gql(app, PROFILE, { id: customerId }, as('steward'));
    expect(customer).toEqual({
      id: customerId,
      firstName: 'Johanna',
      lastName: 'Schulz',
      email,
      phone: '+4915112345612',
      birthday: '1985-03-14',
      street: 'Unter den Linden 1',
      city: 'Berlin',
      postalCode: '10117',
      country: 'DE',
    });
  });

  it('masks for an analyst, not hides', async () => {
    const { customer } = await gql(app, PROFILE, { id: customerId }, as('analyst'));
    expect(customer).toEqual({
      id: customerId,
      firstName: 'J.',
      lastName: 'S.',
      email: `p***@p***.test`,
      phone: '+49*********12',
      birthday: '1985',
      street: '***',
      city: 'Berlin',
      postalCode: '***',
      country: 'DE',
    });
  });

  it('refuses each PII field alone, with FORBIDDEN, to a principal with neither scope', async () => {
    const { data, errors } = await gqlErrors(app, PROFILE, { id: customerId }, NO_PII);
    expect(data?.customer).toMatchObject({ id: customerId, email: null, phone: null, firstName: null, city: null });
    expect(errors.map((e) => e.path?.join('.')).sort()).toEqual(
      ['birthday', 'city', 'country', 'email', 'firstName', 'lastName', 'phone', 'postalCode', 'street'].map((f) => `customer.${f}`).sort(),
    );
    expect(new Set(errors.map((e) => e.extensions?.code))).toEqual(new Set(['FORBIDDEN']));
  });

  it('looks customers up only by values the reader would be shown in clear, so a masked reader cannot confirm a guess', async () => {
    const LOOKUP = `query($type: IdentifierType!, $value: String!) { customerByIdentifier(type: $type, value: $value) { id } }`;
    for (const value of [email, `${unique('nobody')}@policy.test`]) {
      const { data, errors } = await gqlErrors(app, LOOKUP, { type: 'EMAIL', value }, as('analyst'));
      // Refused before it runs: no data at all, let alone a customer.
      expect(data?.customerByIdentifier ?? null).toBeNull();
      expect(errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'LOOKUP_BY_MASKED_VALUE' });
    }
    expect((await gqlErrors(app, LOOKUP, { type: 'PHONE', value: '+49 151 12345612' }, as('marketer'))).errors[0].extensions?.code).toBe('FORBIDDEN');
    // Every id is masked for an analyst (an email sent as a user id is still an email), so none is a question either.
    const byUserId = await gqlErrors(app, LOOKUP, { type: 'USER_ID', value: `${u}-u` }, as('analyst'));
    expect(byUserId.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'LOOKUP_BY_MASKED_VALUE' });
    expect((await gql(app, LOOKUP, { type: 'USER_ID', value: `${u}-u` }, as('service'))).customerByIdentifier).toEqual({ id: customerId });
    expect((await gqlErrors(app, LOOKUP, { type: 'USER_ID', value: `${u}-u` }, NO_PII)).errors[0].extensions?.code).toBe('FORBIDDEN');
    expect((await gql(app, LOOKUP, { type: 'EMAIL', value: email }, as('steward'))).customerByIdentifier).toEqual({ id: customerId });
  });

  it('masks through aliases and fragments alike', async () => {
    const query = `query($id: ID!) {
      a: customer(id: $id) { contact: email ...Names }
      b: customer(id: $id) { ... on Customer { mail: email } }
    }
    fragment Names on Customer { given: firstName }`;
    const data = await gql(app, query, { id: customerId }, as('analyst'));
    expect(data).toEqual({ a: { contact: 'p***@p***.test', given: 'J.' }, b: { mail: 'p***@p***.test' } });
    expect(JSON.stringify(await gqlErrors(app, query, { id: customerId }, NO_PII))).not.toContain(email);
  });

  it('masks identifier values in nested identity links and merge history', async () => {
    const query = `query($id: ID!) { customer(id: $id) {
      identifiers { type value }
      mergeHistory { absorbed { customerId viaIdentifierType viaIdentifierValue } }
    } }`;
    const analyst = (await gql(app, query, { id: customerId }, as('analyst'))).customer;
    expect(analyst.identifiers).toEqual(
      expect.arrayContaining([
        { type: 'EMAIL', value: 'p***@p***.test' },
        // Ids are masked too, whatever their type: an id can hold anything (identifier-pii.int.test.ts).
        { type: 'USER_ID', value: maskId(`${u}-u`) },
        { type: 'PHONE', value: '+49*********12' },
      ]),
    );
    expect(JSON.stringify(analyst)).not.toContain(email);
    expect(analyst.mergeHistory[0].absorbed[0]).toMatchObject({ customerId: absorbedId });

    const admin = (await gql(app, query, { id: customerId }, ADMIN)).customer;
    expect(admin.identifiers).toEqual(expect.arrayContaining([{ type: 'EMAIL', value: email }]));
  });

  it('applies the same rules to _entities', async () => {
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id email firstName } } }`;
    const variables = { r: [{ __typename: 'Customer', id: customerId }] };
    expect((await gql(app, query, variables, as('analyst')))._entities).toEqual([{ id: customerId, email: 'p***@p***.test', firstName: 'J.' }]);
    const refused = await gqlErrors(app, query, variables, NO_PII);
    expect(refused.data?._entities).toEqual([{ id: customerId, email: null, firstName: null }]);
    expect(refused.errors.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
  });

  it('masks in subscriptions for an analyst over graphql-ws', async () => {
    const url = await listening();
    const client = createClient({
      url: `${url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { Authorization: `Bearer ${await tokenFor(app, 'analyst')}` },
    });
    try {
      const iterator = client.iterate({ query: `subscription { customerChanged(id: "${customerId}") { customer { email lastName } } }` });
      const next = iterator.next();
      await new Promise((resolve) => setTimeout(resolve, 200));
      await app.services.ingestion.ingestEvents([{ messageId: `${u}-4`, type: 'IDENTIFY', userId: `${u}-u`, traits: { lastName: 'Schulze' } }]);
      const { value } = await next;
      expect(value).toEqual({ data: { customerChanged: { customer: { email: 'p***@p***.test', lastName: 'S.' } } } });
      await iterator.return?.();
    } finally {
      await client.dispose();
    }
  });

  it('describes every field in the data dictionary, with who reads it and how', async () => {
    const { dataDictionary } = await gql(app, `{ dataDictionary { name fields { name classification owner retention mask readableBy { role mode } } } }`, {}, as('analyst'));
    const customer = dataDictionary.find((t: { name: string }) => t.name === 'Customer');
    const emailField = customer.fields.find((f: { name: string }) => f.name === 'email');
    expect(emailField).toMatchObject({ classification: 'PII', mask: 'email', owner: expect.any(String), retention: expect.any(String) });
    expect(emailField.readableBy).toEqual(
      expect.arrayContaining([
        { role: 'admin', mode: 'CLEAR' },
        { role: 'analyst', mode: 'MASKED' },
        { role: 'service', mode: 'CLEAR' },
      ]),
    );
    const mutation = dataDictionary.find((t: { name: string }) => t.name === 'Mutation');
    expect(mutation.fields.find((f: { name: string }) => f.name === 'ingestEvents').readableBy.map((r: { role: string }) => r.role).sort()).toEqual([
      'admin',
      'service',
      'steward',
    ]);
  });

  it('audits each clear read of a PII field once per request, never a masked one, and never the value', async () => {
    const u2 = unique('aud');
    const [{ customerId: id }] = await app.services.ingestion.ingestEvents([
      { messageId: `${u2}-1`, type: 'IDENTIFY', userId: `${u2}-u`, traits: { email: `${u2}@audit.test`, firstName: 'Ida' } },
    ]);
    const query = `query($id: ID!) { customer(id: $id) { email again: email firstName identifiers { value } } }`;
    await gql(app, query, { id }, as('analyst'));
    await gql(app, query, { id }, as('steward', { subject: `steward-${u2}` }));
    await app.services.audit.flush();
    const { auditLog } = await gql(app, `query($id: ID!) { auditLog(customerId: $id, first: 50) { edges { node { subject fields decision channel customerId purpose } } } }`, {
      id,
    });
    // One entry for the request: every PII field it read of this customer, each once. (Suites share one database: a
    // suite listing customers in clear meanwhile may read this one too, as its own subject.)
    const ours = new Set(['test-analyst', `steward-${u2}`]);
    expect(auditLog.edges.map((e: { node: { subject: string } }) => e.node).filter((n: { subject: string }) => ours.has(n.subject))).toEqual([
      {
        subject: `steward-${u2}`,
        fields: ['Customer.email', 'Customer.firstName', 'LinkedIdentifier.value'],
        decision: 'ALLOWED_CLEAR',
        channel: 'QUERY',
        customerId: id,
        purpose: null,
      },
    ]);
    const entries = auditLog.edges;
    expect(JSON.stringify(entries)).not.toContain(`${u2}@audit.test`);
    const refused = await gqlErrors(app, `query($id: ID!) { auditLog(customerId: $id) { edges { cursor } } }`, { id }, as('analyst'));
    expect(refused.errors[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('audits clear reads pushed in subscription events, one entry per event', async () => {
    const url = await listening();
    const subject = unique('sub-steward');
    const client = createClient({
      url: `${url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { Authorization: `Bearer ${await app.minter!.mint({ role: 'steward', subject })}` },
    });
    try {
      const iterator = client.iterate({ query: `subscription { customerChanged(id: "${customerId}") { customer { email } } }` });
      const next = iterator.next();
      await new Promise((resolve) => setTimeout(resolve, 200));
      await app.services.ingestion.ingestEvents([{ messageId: unique('ev'), type: 'IDENTIFY', userId: `${u}-u`, traits: { company: 'Acme' } }]);
      expect((await next).value).toEqual({ data: { customerChanged: { customer: { email } } } });
      await iterator.return?.();
    } finally {
      await client.dispose();
    }
    await app.services.audit.flush();
    const entries = (await app.services.audit.entriesFor([customerId])).filter((entry) => entry.subject === subject);
    expect(entries).toMatchObject([{ fields: ['Customer.email'], channel: 'SUBSCRIPTION', decision: 'ALLOWED_CLEAR' }]);
  });

  it.each([
    ['admin', 'CLEAR'],
    ['steward', 'CLEAR'],
    ['service', 'CLEAR'],
    ['analyst', 'MASKED'],
    ['marketer', 'MASKED'],
  ] as const)('gives %s PII %s through aliases, fragments, nested links and _entities alike', async (role, mode) => {
    const query = `query($id: ID!, $r: [_Any!]!) {
      direct: customer(id: $id) { mail: email ...Links }
      _entities(representations: $r) { ... on Customer { email ...Links } }
    }
    fragment Links on Customer { identifiers { type value } }`;
    const data = await gql(app, query, { id: customerId, r: [{ __typename: 'Customer', id: customerId }] }, as(role));
    const expected = mode === 'CLEAR' ? email : 'p***@p***.test';
    expect(data.direct.mail).toBe(expected);
    expect(data._entities[0].email).toBe(expected);
    for (const links of [data.direct.identifiers, data._entities[0].identifiers]) {
      expect(links.find((i: { type: string }) => i.type === 'EMAIL').value).toBe(expected);
    }
    if (mode === 'MASKED') expect(JSON.stringify(data)).not.toContain(email);
  });

  it('denies when a rule fails instead of deciding (a principal whose scopes cannot be read)', async () => {
    const broken = { ...NO_PII, scopes: { has: () => { throw new Error('scope store down'); } } } as unknown as typeof NO_PII;
    const { data, errors } = await gqlErrors(app, PROFILE, { id: customerId }, broken);
    expect(data?.customer ?? null).toBeNull();
    expect(errors.length).toBeGreaterThan(0);
    expect(JSON.stringify(data ?? {})).not.toContain(u);
  });
});
