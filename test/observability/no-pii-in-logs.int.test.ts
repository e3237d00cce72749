import { Writable } from 'node:stream';
import { CypherRegistry } from '../../src/infra/neo4j/cypher-registry';
import { createLogger, safeError, scrubMessage } from '../../src/observability/logger';
import { INGEST_EVENTS, UPSERT_SOURCE_RECORDS } from '../support/ingest';
import { gql, gqlErrors, startTestApp, tokenFor, unique, type TestApp } from '../support/test-app';

/** Every line the app logs, as the pino destination receives it. */
function logCapture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, logger: createLogger('trace', stream), text: () => lines.join('\n') };
}

const BY_EMAIL = /* GraphQL */ `
  query ByEmail($value: String!) {
    customerByIdentifier(type: EMAIL, value: $value) {
      id firstName lastName email phone identifiers { type value } sourceRecords { attributes }
    }
  }
`;

describe('no personal data in application logs', () => {
  const u = unique();
  // Distinctive values: if any of them shows up in a log line, personal data leaked.
  const pii = {
    email: `${u}.canary@pii-leak.test`,
    phone: `+1 415 555 ${String(1000 + Math.floor(Math.random() * 8999))}`,
    firstName: `Zebulon${u}`,
    lastName: `Quaxworth${u}`,
    city: `Glimmerfurt${u}`,
  };
  const e164 = pii.phone.replace(/\s/g, '');
  const forbidden = [pii.email, pii.email.toLowerCase(), pii.phone, e164, e164.slice(2), pii.firstName, pii.lastName, pii.city];
  const capture = logCapture();
  const consoleOutput: string[] = [];
  let app: TestApp;
  let url: string;
  let token: string;

  beforeAll(async () => {
    for (const method of ['log', 'error', 'warn', 'info'] as const) {
      jest.spyOn(console, method).mockImplementation((...args: unknown[]) => void consoleOutput.push(args.map(String).join(' ')));
    }
    app = await startTestApp({ logger: capture.logger });
    url = await app.listen('127.0.0.1', 0);
    token = await tokenFor(app, 'admin');
  });
  afterAll(async () => {
    await app.close();
    jest.restoreAllMocks();
  });

  const post = (body: string) =>
    fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
    });
  const graphql = async (query: string, variables: Record<string, unknown>) => (await post(JSON.stringify({ query, variables }))).json();

  it('logs requests, errors and failures without a single personal value', async () => {
    // Ingest over HTTP, the way a tracking pipeline would.
    const ingested = await graphql(INGEST_EVENTS, {
      events: [
        {
          messageId: `${u}-1`,
          type: 'IDENTIFY',
          userId: `${u}-user`,
          traits: { email: pii.email, phone: pii.phone, firstName: pii.firstName, lastName: pii.lastName },
        },
        { messageId: `${u}-2`, type: 'TRACK', userId: `${u}-user`, traits: { email: pii.email } },
      ],
    });
    expect(ingested.data.ingestEvents.results.map((r: { outcome: string }) => r.outcome)).toEqual(['CREATED', 'REJECTED']);
    await graphql(UPSERT_SOURCE_RECORDS, {
      records: [
        {
          source: 'crm',
          externalId: `${u}-crm`,
          updatedAt: '2026-03-01T10:00:00Z',
          attributes: { email: pii.email, lastName: pii.lastName, address: { city: pii.city } },
          identifiers: [{ type: 'CRM_ID', value: `${u}-crm` }],
        },
      ],
    });

    // Read it back, over HTTP and in-process.
    const read = await graphql(BY_EMAIL, { value: pii.email });
    expect(read.data.customerByIdentifier).toMatchObject({ firstName: pii.firstName, lastName: pii.lastName, phone: e164 });
    expect((await gql(app, BY_EMAIL, { value: pii.email })).customerByIdentifier.email).toBe(pii.email.toLowerCase());

    // Bad input that carries a value: a variable of the wrong type is quoted in the error sent back, never logged.
    const badVariable = await graphql(BY_EMAIL, { value: { email: pii.email } });
    expect(badVariable.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect((await gqlErrors(app, BY_EMAIL, { value: `not-an-email ${pii.firstName}` })).errors[0].extensions?.code).toBe('BAD_USER_INPUT');

    // An unexpected failure whose message quotes the values, the way Neo4j's constraint and type errors do.
    // Only a customer read fails: the audit trail's own writes may run in between.
    const registry = new CypherRegistry();
    const failOnce = app.db.onQuery((query) => {
      if (!registry.nameOf(query).startsWith('customers/')) return;
      failOnce();
      throw new Error(
        `Node(42) already exists with label \`Identifier\` and property \`key\` = 'EMAIL:${pii.email}'; ` +
          `Map{firstName -> String("${pii.firstName}"), city -> String("${pii.city}")} near ${e164}`,
      );
    });
    const failed = await graphql(BY_EMAIL, { value: pii.email });
    expect(failed.errors[0].extensions.code).toBe('INTERNAL');

    // A body that is not JSON: Express would print its parse error, which quotes the body, to stderr.
    const malformed = await post(`{"query": "{ customer(id: \\"x\\") { id } }", "variables": {"v": "${pii.email}" ${pii.firstName}}`);
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).errors[0].extensions.code).toBe('BAD_USER_INPUT');

    const logged = capture.text();
    expect(capture.lines.filter((line) => line.includes('"graphql request"')).length).toBeGreaterThanOrEqual(6);
    expect(logged).toContain('unexpected error in a resolver');
    expect(logged).toContain('already exists with label `Identifier`');
    for (const value of [...forbidden, token]) {
      expect(logged).not.toContain(value);
      expect(consoleOutput.join('\n')).not.toContain(value);
    }
  });

  it('redacts personal keys in anything logged and scrubs values quoted in error messages', () => {
    const { logger, text } = logCapture();
    logger.info({ event: { traits: { email: pii.email }, context: { ip: '10.0.0.1' } }, variables: { v: pii.firstName } }, 'careless');
    logger.info({ record: { attributes: { lastName: pii.lastName } }, req: { headers: { authorization: 'Bearer abc.def' } } }, 'careless');
    logger.info({ identifier: { type: 'PHONE', value: e164 }, customer: { firstName: pii.firstName, phone: pii.phone } }, 'careless');
    logger.error({ err: new Error(`bad value "${pii.firstName}" for ${pii.email}`, { cause: new Error(`'${pii.city}'`) }) }, 'failed');
    const out = text();
    expect(out).toContain('[redacted]');
    expect(out).toContain('"type":"Error"');
    expect(out).not.toContain('10.0.0.1');
    for (const value of [...forbidden, 'abc.def']) expect(out).not.toContain(value);
    expect(safeError(new Error(`key = 'EMAIL:${pii.email}'`))).toMatchObject({ type: 'Error', message: 'key = [redacted]' });
  });

  it('keeps the instants its own messages name, and still scrubs a date or a number standing alone', () => {
    expect(scrubMessage('Neo4j unreachable since 2026-12-07T13:02:37.293Z')).toBe('Neo4j unreachable since 2026-12-07T13:02:37.293Z');
    expect(scrubMessage(`born 1984-03-12, phone ${pii.phone}`)).toBe('born [redacted], phone [redacted]');
  });
});
