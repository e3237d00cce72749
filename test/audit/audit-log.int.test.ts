import { auditEntryFor } from '../../src/audit/audit-read';
import { verifyChain } from '../../src/audit/chain-verifier';
import { AuditRepository } from '../../src/audit/audit.repository';
import { AuditKey } from '../../src/audit/audit-key';
import { Redis } from 'ioredis';
import { RedisCheckpointStore } from '../../src/audit/checkpoint-store';
import { CypherRegistry } from '../../src/infra/neo4j/cypher-registry';
import { as, gql, gqlErrors, startTestApp, unique, type TestApp } from '../support/test-app';
import { clearRead } from './audit-builders';

const AUDIT_LOG = /* GraphQL */ `
  query AuditLog($customerId: ID!, $first: Int, $after: String) {
    auditLog(customerId: $customerId, first: $first, after: $after) {
      edges { cursor node { at subject roles fields customerId purpose decision reason channel requestId } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

describe('auditLog and the export read of the trail', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('lists one customer\'s audited reads newest first, a page at a time, without other customers\' entries', async () => {
    const [customerId, other] = [unique('c'), unique('c')];
    const steward = { principal: as('steward', { purpose: 'support', subject: 'alice' }), requestId: unique('req-') };
    const audit = app.services.audit;
    const at = (minute: number) => new Date(Date.UTC(2026, 2, 1, 10, minute));
    audit.record({ ...auditEntryFor(steward, customerId, ['Customer.email'], 'QUERY', 'ALLOWED_CLEAR'), at: at(1) });
    audit.record({ ...auditEntryFor(steward, customerId, ['Customer.phone', 'Customer.email'], 'SUBSCRIPTION', 'ALLOWED_CLEAR'), at: at(2) });
    audit.record({ ...clearRead(customerId, { fields: ['Customer.lastName'], decision: 'MASKED', subject: 'bob', roles: ['analyst'] }), at: at(3) });
    audit.record({ ...clearRead(customerId, { decision: 'DENIED', reason: 'NO_CONSENT', channel: 'EXPORT' }), at: at(4) });
    audit.record(clearRead(other));
    await audit.flush();

    const first = (await gql(app, AUDIT_LOG, { customerId, first: 3 })).auditLog;
    expect(first.edges.map((edge: { node: unknown }) => edge.node)).toEqual([
      {
        at: at(4).toISOString(), subject: 'test-steward', roles: ['steward'], fields: ['Customer.email'], customerId,
        purpose: null, decision: 'DENIED', reason: 'NO_CONSENT', channel: 'EXPORT', requestId: 'req-1',
      },
      {
        at: at(3).toISOString(), subject: 'bob', roles: ['analyst'], fields: ['Customer.lastName'], customerId,
        purpose: null, decision: 'MASKED', reason: null, channel: 'QUERY', requestId: 'req-1',
      },
      {
        at: at(2).toISOString(), subject: 'alice', roles: ['steward'], fields: ['Customer.email', 'Customer.phone'], customerId,
        purpose: 'support', decision: 'ALLOWED_CLEAR', reason: null, channel: 'SUBSCRIPTION', requestId: steward.requestId,
      },
    ]);
    expect(first.pageInfo.hasNextPage).toBe(true);

    const second = (await gql(app, AUDIT_LOG, { customerId, first: 3, after: first.pageInfo.endCursor })).auditLog;
    expect(second.edges.map((edge: { node: { fields: string[]; channel: string } }) => [edge.node.fields, edge.node.channel])).toEqual([
      [['Customer.email'], 'QUERY'],
    ]);
    expect(second.pageInfo).toEqual({ hasNextPage: false, endCursor: second.edges[0].cursor });
  });

  it('answers a cursor it did not make or a page size out of range with BAD_USER_INPUT', async () => {
    const customerId = unique('c');
    for (const variables of [
      { customerId, after: 'not-a-cursor' },
      { customerId, after: Buffer.from(JSON.stringify(['-3'])).toString('base64url') },
      { customerId, first: 0 },
    ]) {
      const { errors } = await gqlErrors(app, AUDIT_LOG, variables);
      expect(errors.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    }
  });

  it('gives the export every entry of the customers asked for, oldest first, and the chain stays verifiable', async () => {
    const customers = [unique('c'), unique('c')];
    const audit = app.services.audit;
    for (const customerId of customers) for (const field of ['email', 'phone']) audit.record(clearRead(customerId, { fields: [`Customer.${field}`] }));
    await audit.flush();

    const entries = await audit.entriesFor(customers);
    expect(entries.map((entry) => [entry.customerId, entry.fields])).toEqual(
      [...customers].sort().flatMap((customerId) => [[customerId, ['Customer.email']], [customerId, ['Customer.phone']]]),
    );
    expect(entries.every((entry) => entry.chain === 'main')).toBe(true);
    // Other test files append to `main` meanwhile: verify the part this test wrote.
    const seqs = entries.map((entry) => entry.seq);
    const verdict = await verifyChain(new AuditRepository(app.db, new CypherRegistry()), {
      key: AuditKey.of(app.config.audit.hmacKey!),
      fromSeq: Math.min(...seqs),
      toSeq: Math.max(...seqs),
    });
    expect(verdict).toMatchObject({ ok: true });
    expect(await app.metrics.registry.getSingleMetricAsString('c360_audit_entries_written_total')).toMatch(/ [1-9]\d*$/m);
  });

  it('checkpoints the head an app leaves at stop, in Redis, before its Redis connection closes', async () => {
    const stopping = await startTestApp();
    const customerId = unique('c');
    stopping.services.audit.record(clearRead(customerId, { requestId: 'first' }));
    await stopping.services.audit.flush();
    stopping.services.audit.record(clearRead(customerId, { requestId: 'last' }));
    await stopping.services.audit.flush();
    const [last] = await stopping.services.audit.customerLog(customerId, Number.MAX_SAFE_INTEGER, 1);
    await stopping.close();

    const redis = new Redis(process.env.REDIS_URL!);
    try {
      const { found } = await new RedisCheckpointStore(redis, process.env.AUDIT_CHECKPOINT_KEY!).read('main');
      // Its batch of one moved the head to its own seq; the first batch was checkpointed at once, this one at stop.
      expect(found.map((checkpoint) => checkpoint.seq)).toContain(last.seq);
    } finally {
      redis.disconnect();
    }
  });
});
