import type { Client } from 'graphql-ws';
import { verifyChain } from '../../src/audit/chain-verifier';
import { AuditRepository } from '../../src/audit/audit.repository';
import { CypherRegistry } from '../../src/infra/neo4j/cypher-registry';
import { ingestEvents } from '../support/ingest';
import { startTestApp, tokenFor, unique, type TestApp } from '../support/test-app';
import { postGraphQL, viaWs, wsClient } from '../support/transports';
import { testAuditKey } from './audit-builders';

const CUSTOMERS = 5;
/** Five customers by id, with PII fields and identifiers: five audit entries when read in clear. */
const READ = `query Read(${Array.from({ length: CUSTOMERS }, (_, i) => `$c${i}: ID!`).join(', ')}) {
  ${Array.from({ length: CUSTOMERS }, (_, i) => `c${i}: customer(id: $c${i}) { id email firstName identifiers { type value } }`).join('\n  ')}
}`;
const IDS_ONLY = `query Ids($c0: ID!) { customer(id: $c0) { id } }`;

describe('clear reads while the audit trail is behind', () => {
  let app: TestApp;
  let url: string;
  let client: Client;
  let service: string;
  let analyst: string;
  let variables: Record<string, string>;
  let ids: string[];

  beforeAll(async () => {
    // A buffer of 3 entries, written only when a test says so: one clear read of five customers fills it.
    app = await startTestApp({
      env: { AUDIT_MAX_BUFFER: '3', AUDIT_FLUSH_INTERVAL_MS: '60000', AUDIT_BATCH_SIZE: '50000', AUDIT_RETRY_AFTER_SECONDS: '7' },
    });
    url = await app.listen('127.0.0.1', 0);
    [service, analyst] = await Promise.all([tokenFor(app, 'service'), tokenFor(app, 'analyst')]);
    client = wsClient(url, service);
    const u = unique('backlog');
    const events = Array.from({ length: CUSTOMERS }, (_, i) => ({
      messageId: `${u}-${i}`,
      type: 'IDENTIFY',
      userId: `${u}-user-${i}`,
      traits: { email: `${u}-${i}@backlog.test`, firstName: `First${i}` },
    }));
    ids = (await ingestEvents(app, events)).results.map((result) => result.customerId);
    variables = Object.fromEntries(ids.map((id, i) => [`c${i}`, id]));
    await app.services.audit.flush();
  });
  afterAll(async () => {
    await client?.dispose();
    await app.close();
  });

  it('refuses a whole clear read beyond capacity before it runs (503, Retry-After, one retryable error), and audits every read it served', async () => {
    const audit = app.services.audit;
    expect(audit.buffered).toBe(0);

    // Admitted with room left: all of it is served and recorded, even past the limit.
    const served = await postGraphQL(url, { query: READ, variables }, service);
    expect(served.status).toBe(200);
    expect(served.errors).toBeUndefined();
    expect(served.data.c0.email).toMatch(/@backlog\.test$/);
    expect(audit.buffered).toBe(CUSTOMERS);

    const refused = await postGraphQL(url, { query: READ, variables }, service);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('7');
    expect(refused.data).toBeUndefined();
    expect(refused.errors).toHaveLength(1);
    expect(refused.errors![0].extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', reason: 'AUDIT_BACKLOG', retryable: true, retryAfterSeconds: 7 });
    expect(refused.errors![0].message).toMatch(/nothing in this operation ran/);

    const overWs = await viaWs(client, READ, variables);
    expect(overWs.data).toBeUndefined();
    expect(overWs.errors).toHaveLength(1);
    expect(overWs.errors![0].extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', reason: 'AUDIT_BACKLOG', retryable: true, retryAfterSeconds: 7 });
    // Nothing of the refused reads was recorded: they did not happen.
    expect(audit.buffered).toBe(CUSTOMERS);

    // What needs no audit is served meanwhile: masked reads, and reads of no PII field.
    const masked = await postGraphQL(url, { query: READ, variables }, analyst);
    expect(masked.status).toBe(200);
    expect(masked.errors).toBeUndefined();
    expect(masked.data.c0.email).not.toMatch(/@backlog\.test$/);
    const idsOnly = await postGraphQL(url, { query: IDS_ONLY, variables: { c0: ids[0] } }, service);
    expect(idsOnly).toMatchObject({ status: 200, data: { customer: { id: ids[0] } } });
    expect(idsOnly.errors).toBeUndefined();
    expect(audit.buffered).toBe(CUSTOMERS);

    // Once the writer caught up, the same read is served again.
    await audit.flush();
    const again = await postGraphQL(url, { query: READ, variables }, service);
    expect(again.status).toBe(200);
    expect(again.errors).toBeUndefined();
    await audit.flush();

    const entries = await audit.entriesFor(ids);
    expect(entries).toHaveLength(2 * CUSTOMERS);
    for (const id of ids) {
      const own = entries.filter((entry) => entry.customerId === id);
      expect(own.map((entry) => entry.decision)).toEqual(['ALLOWED_CLEAR', 'ALLOWED_CLEAR']);
      expect(own[0].fields).toEqual(['Customer.email', 'Customer.firstName', 'LinkedIdentifier.value']);
      expect(new Set(own.map((entry) => entry.requestId)).size).toBe(2);
    }
    const fromSeq = Math.min(...entries.map((entry) => entry.seq));
    const repository = new AuditRepository(app.db, new CypherRegistry());
    expect(await verifyChain(repository, { key: testAuditKey(), fromSeq })).toMatchObject({ ok: true, outcome: 'INTACT' });
  });
});
