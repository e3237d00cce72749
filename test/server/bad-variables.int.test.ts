import type { Client } from 'graphql-ws';
import { createLogger } from '../../src/observability/logger';
import { startTestApp, unique, type TestApp } from '../support/test-app';
import { customerOfUser, ingestEventFor, listenOnBoth, postGraphQL, viaWs, type SendOn } from '../support/transports';

const BY_ID = 'query($id: ID!) { customer(id: $id) { id } }';
const BY_TYPE = 'query($t: IdentifierType!) { customerByIdentifier(type: $t, value: "x") { id } }';
const BY_STATUS = 'query($s: CustomerStatus!) { customers(first: 1, filter: { status: $s }) { edges { cursor } } }';
const INGEST = 'mutation($e: [IdentityEventInput!]!) { ingestEvents(events: $e) { created } }';
const CHANGES = 'subscription($id: ID!) { customerChanged(id: $id) { customerId } }';

/** Variables the operation's types refuse: the caller's mistake, answered as such, never an internal error. */
const PROBES: { name: string; query: string; variables: (u: string) => Record<string, unknown> }[] = [
  { name: 'a value of the wrong type', query: BY_ID, variables: () => ({ id: { not: 'an id' } }) },
  { name: 'a required variable left out', query: BY_ID, variables: () => ({}) },
  { name: 'an unknown enum value', query: BY_STATUS, variables: () => ({ s: 'ACTIV' }) },
  { name: 'a malformed identifier type name', query: BY_TYPE, variables: () => ({ t: 'e-mail' }) },
  { name: 'an unknown input field, around a mutation', query: INGEST, variables: (u) => ({ e: [{ ...ingestEventFor(u)[0], mesageId: 'x' }] }) },
  { name: 'a required variable of a subscription left out', query: CHANGES, variables: () => ({}) },
];

describe('bad variables, on HTTP and graphql-ws alike', () => {
  let app: TestApp;
  let url: string;
  let token: string;
  let client: Client;
  let send: SendOn;
  const logLines: { level: number; msg: string }[] = [];
  beforeAll(async () => {
    app = await startTestApp({ logger: createLogger('info', { write: (line: string) => void logLines.push(JSON.parse(line)) }) });
    ({ url, token, client, send } = await listenOnBoth(app));
  });
  afterAll(async () => {
    await client.dispose();
    await app.close();
  });

  describe.each(['http', 'ws'] as const)('over %s', (transport) => {
    it.each(PROBES.filter((probe) => transport === 'ws' || probe.query !== CHANGES))(
      'answers $name with BAD_USER_INPUT, runs nothing and logs no error',
      async ({ query, variables }) => {
        const u = unique();
        const errorsLogged = logLines.filter((line) => line.level >= 50).length;
        const response = await send[transport](query, variables(u));
        expect(response.data ?? null).toBeNull();
        expect(response.errors!.length).toBeGreaterThan(0);
        for (const error of response.errors!) expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT' });
        if (transport === 'http') expect(response.status).toBe(400);
        expect(logLines.filter((line) => line.level >= 50).slice(errorsLogged)).toEqual([]);
        expect(await customerOfUser(app, u)).toBeNull();
      },
    );

    it('answers an operation name the document does not hold with OPERATION_RESOLUTION_FAILURE, and logs no error', async () => {
      const errorsLogged = logLines.filter((line) => line.level >= 50).length;
      const query = `query A { __typename } query B { __typename }`;
      const response =
        transport === 'http' ? await postGraphQL(url, { query, operationName: 'C' }, token) : await viaWs(client, query, undefined, 'C');
      expect(response.errors).toEqual([expect.objectContaining({ message: 'Unknown operation named "C".', extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } })]);
      expect(logLines.filter((line) => line.level >= 50).slice(errorsLogged)).toEqual([]);
    });
  });
});
