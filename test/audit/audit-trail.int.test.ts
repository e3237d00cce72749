import { readFileSync } from 'node:fs';
import pino from 'pino';
import type { Checkpoint } from '../../src/audit/audit-checkpoint';
import { AuditBacklogError } from '../../src/audit/audit-trail';
import { verifyChain } from '../../src/audit/chain-verifier';
import { FileCheckpointStore, readCheckpoints, type CheckpointStore } from '../../src/audit/checkpoint-store';
import type { Database } from '../../src/infra/neo4j/database';
import { createLogger } from '../../src/observability/logger';
import { unique } from '../support/test-app';
import { clearRead, connectTestDb, privateCheckpointFile, privateTrail, testAuditKey } from './audit-builders';

describe('AuditTrail: buffered, batched, chained writes', () => {
  let db: Database;
  beforeAll(() => {
    db = connectTestDb();
  });
  afterAll(() => db.close());

  /** Counts the batches a trail writes: each is one statement (a single writer's head never moves under it). */
  const countAppends = (registry: { nameOf(query: string): string }) => {
    const counter = { appends: 0 };
    const off = db.onQuery((query) => {
      if (registry.nameOf(query) === 'audit/append-entries') counter.appends += 1;
    });
    return Object.assign(counter, { off });
  };

  it('records without touching the database, and stop() writes every buffered entry (no loss on clean shutdown)', async () => {
    const { trail, repository, chain, key } = privateTrail(db);
    const customers = Array.from({ length: 2_500 }, () => unique('c'));
    for (const customerId of customers) trail.record(clearRead(customerId));
    expect(trail.buffered).toBe(2_500);
    expect(await repository.head(chain)).toBeNull();

    await trail.stop();

    expect(trail.buffered).toBe(0);
    expect(await verifyChain(repository, { chain, key })).toMatchObject({ ok: true, chain, checked: 2_500, fromSeq: 1, toSeq: 2_500 });
    const stored = await trail.entriesFor(customers);
    expect(new Set(stored.map((entry) => entry.customerId))).toEqual(new Set(customers));
    expect(() => trail.record(clearRead(customers[0]))).toThrow(/stopped/);
  });

  it('writes 5,000 entries in batches of the configured size, as one valid chain in the order they were recorded', async () => {
    const { trail, repository, registry, metrics, chain, key } = privateTrail(db, { batchSize: 1_000 });
    const counter = countAppends(registry);
    const customerId = unique('c');
    for (let i = 0; i < 5_000; i++) trail.record(clearRead(customerId, { requestId: `req-${i}` }));
    await trail.flush();
    counter.off();

    expect(counter.appends).toBe(5);
    expect(await repository.head(chain)).toMatchObject({ seq: 5_000 });
    expect(await verifyChain(repository, { chain, key, pageSize: 700 })).toMatchObject({ ok: true, checked: 5_000 });
    const stored = await trail.entriesFor([customerId]);
    expect(stored.map((entry) => entry.requestId)).toEqual(Array.from({ length: 5_000 }, (_, i) => `req-${i}`));
    expect(stored.map((entry) => entry.seq)).toEqual(Array.from({ length: 5_000 }, (_, i) => i + 1));
    expect(await metrics.registry.getSingleMetricAsString('c360_audit_entries_written_total')).toMatch(/ 5000$/m);
    expect(await metrics.registry.getSingleMetricAsString('c360_audit_flush_duration_seconds')).toMatch(/_count 5$/m);
    await trail.stop();
  });

  it('writes 2,000 entries in two batched appends, not 2,000', async () => {
    const { trail, repository, registry, chain, key } = privateTrail(db, { batchSize: 1_000 });
    const counter = countAppends(registry);
    const requestId = unique('req-');
    const customers = Array.from({ length: 1_000 }, () => unique('c'));
    for (const customerId of customers) {
      trail.record(clearRead(customerId, { fields: ['Customer.email'], requestId }));
      trail.record(clearRead(customerId, { fields: ['Customer.phone'], requestId }));
    }
    await trail.stop();
    counter.off();

    expect(counter.appends).toBe(2);
    const stored = await trail.entriesFor(customers);
    expect(stored).toHaveLength(2_000);
    expect(stored.filter((entry) => entry.fields[0] === 'Customer.phone')).toHaveLength(1_000);
    expect(await verifyChain(repository, { chain, key })).toMatchObject({ ok: true, checked: 2_000 });
  });

  it('keeps one unbroken chain when two API instances append to it at the same time', async () => {
    const first = privateTrail(db, { batchSize: 40 });
    const second = privateTrail(db, { batchSize: 40, chain: first.chain });
    const [a, b] = [unique('a'), unique('b')];
    for (let i = 0; i < 400; i++) {
      first.trail.record(clearRead(a, { requestId: `a-${i}` }));
      second.trail.record(clearRead(b, { requestId: `b-${i}` }));
    }
    await Promise.all([first.trail.stop(), second.trail.stop()]);

    expect(await verifyChain(first.repository, { chain: first.chain, key: first.key })).toMatchObject({ ok: true, checked: 800 });
    // Each instance's entries keep their own order, interleaved by batch with the other's.
    const byA = await first.trail.entriesFor([a]);
    expect(byA.map((entry) => entry.requestId)).toEqual(Array.from({ length: 400 }, (_, i) => `a-${i}`));
    expect(new Set([...byA, ...(await first.trail.entriesFor([b]))].map((entry) => entry.seq)).size).toBe(800);
  });

  it('hashes entries as they are recorded once it knows the head, and anew after another instance moved it', async () => {
    // Counts the entries `first` hashes: its key hashes each of them.
    const key = testAuditKey();
    const entryHash = key.entryHashOfJson.bind(key);
    let hashed = 0;
    key.entryHashOfJson = (prevHash, canonical) => {
      hashed += 1;
      return entryHash(prevHash, canonical);
    };
    const first = privateTrail(db, { key });
    const second = privateTrail(db, { chain: first.chain });
    const statements = { appends: 0, locks: 0 };
    const off = db.onQuery((query) => {
      const name = first.registry.nameOf(query);
      if (name === 'audit/append-entries') statements.appends += 1;
      if (name === 'audit/lock-chain-head') statements.locks += 1;
    });
    const flushed = async (trail: typeof first.trail, requestId: string) => {
      hashed = 0;
      for (let i = 0; i < 10; i++) trail.record(clearRead(unique('c'), { requestId }));
      const whenRecorded = hashed;
      Object.assign(statements, { appends: 0, locks: 0 });
      await trail.flush();
      return { ...statements, whenRecorded, inFlush: hashed - whenRecorded };
    };
    try {
      // The head is not known yet: locked and read first, the entries hashed after it.
      expect(await flushed(first.trail, 'first-1')).toEqual({ appends: 1, locks: 1, whenRecorded: 0, inFlush: 10 });
      // Hashed as they were recorded, after the head this instance committed: one statement, no hashing.
      expect(await flushed(first.trail, 'first-2')).toEqual({ appends: 1, locks: 0, whenRecorded: 10, inFlush: 0 });
      expect((await flushed(second.trail, 'second-1')).appends).toBe(1);
      // Hashed after a head that moved meanwhile: nothing written, the head locked and read, hashed again.
      expect(await flushed(first.trail, 'first-3')).toEqual({ appends: 2, locks: 1, whenRecorded: 10, inFlush: 10 });
      expect(await flushed(first.trail, 'first-4')).toEqual({ appends: 1, locks: 0, whenRecorded: 10, inFlush: 0 });
    } finally {
      off();
    }
    await Promise.all([first.trail.stop(), second.trail.stop()]);
    expect(await verifyChain(first.repository, { chain: first.chain, key: first.key })).toMatchObject({ ok: true, checked: 50 });
  });

  it('writes on its own when a batch fills up or the interval passes, without flush()', async () => {
    const bySize = privateTrail(db, { batchSize: 10 });
    const byTime = privateTrail(db, { batchSize: 1_000, flushIntervalMs: 50 });
    const [c, d] = [unique('c'), unique('d')];
    for (let i = 0; i < 10; i++) bySize.trail.record(clearRead(c));
    byTime.trail.record(clearRead(d));

    const written = async (trail: typeof bySize.trail, customerId: string, count: number) => {
      for (let attempt = 0; attempt < 200; attempt++) {
        if ((await trail.entriesFor([customerId])).length === count) return true;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return false;
    };
    expect(await written(bySize.trail, c, 10)).toBe(true);
    expect(await written(byTime.trail, d, 1)).toBe(true);
    await Promise.all([bySize.trail.stop(), byTime.trail.stop()]);
  });

  it('keeps entries it could not write, and refuses to admit new clear reads once the backlog is full', async () => {
    // Nothing listens on port 1: every write fails, as when Neo4j is away.
    const unreachable = connectTestDb('bolt://127.0.0.1:1');
    const { trail, metrics } = privateTrail(unreachable, { maxBuffer: 50, retryAfterSeconds: 3 });
    try {
      for (let i = 0; i < 50; i++) trail.record(clearRead(unique('c')));
      await expect(trail.flush()).rejects.toThrow();
      expect(trail.buffered).toBe(50);
      expect(await metrics.registry.getSingleMetricAsString('c360_audit_flush_failures_total')).toMatch(/ 1$/m);

      let refusal: unknown;
      try {
        trail.admit();
      } catch (error) {
        refusal = error;
      }
      expect(refusal).toBeInstanceOf(AuditBacklogError);
      expect((refusal as AuditBacklogError).extensions).toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
        reason: 'AUDIT_BACKLOG',
        retryable: true,
        retryAfterSeconds: 3,
        http: { status: 503 },
      });
      // An operation admitted before is recorded whole, past the limit: it is never cut short.
      trail.record(clearRead(unique('c')));
      expect(trail.buffered).toBe(51);
      await expect(trail.stop()).rejects.toThrow();
      expect(trail.buffered).toBe(51);
    } finally {
      await unreachable.close();
    }
  });

  it('writes a flush of many reads in one statement, each entry stored as recorded, hashed as entry-by-entry hashing would', async () => {
    const { trail, repository, registry, chain, key } = privateTrail(db, { batchSize: 20_000 });
    const counter = countAppends(registry);
    const customers = Array.from({ length: 300 }, () => unique('c'));
    const fieldSets = [['Customer.email', 'Customer.firstName'], ['Customer.phone'], ['LinkedIdentifier.value']];
    const at = (read: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, 0, read));
    // 40 reads of 300 customers: 12,000 entries, the reads differing in who, when, why and how; within a read the
    // fields differ per customer, and one entry names no customer (a denial before any customer was known).
    for (let read = 0; read < 40; read++) {
      customers.forEach((customerId, i) =>
        trail.record(
          clearRead(customerId, {
            at: at(read),
            requestId: `req-${read}`,
            subject: read % 2 === 0 ? 'alice' : 'bob',
            roles: read % 3 === 0 ? ['steward', 'service'] : ['service'],
            purpose: read % 4 === 0 ? 'support' : null,
            fields: fieldSets[(i + read) % 3],
            channel: read % 5 === 0 ? 'SUBSCRIPTION' : 'QUERY',
          }),
        ),
      );
    }
    trail.record(clearRead(customers[0], { customerId: null, decision: 'DENIED', reason: 'NO_CONSENT', at: at(41), requestId: 'req-denied' }));
    await trail.flush();
    counter.off();

    expect(counter.appends).toBe(1);
    expect(await verifyChain(repository, { chain, key })).toMatchObject({ ok: true, checked: 12_001 });
    const stored = await trail.entriesFor([customers[7]]);
    expect(stored).toHaveLength(40);
    expect(stored[5]).toMatchObject({
      chain, seq: 5 * 300 + 8, at: at(5), requestId: 'req-5', subject: 'bob', roles: ['service'], purpose: null,
      fields: fieldSets[(7 + 5) % 3], channel: 'SUBSCRIPTION', decision: 'ALLOWED_CLEAR', reason: null,
    });
    expect(stored[12]).toMatchObject({ roles: ['steward', 'service'], purpose: 'support', subject: 'alice' });
    const denied = await repository.entryAt(chain, 12_001);
    expect(denied).toMatchObject({ decision: 'DENIED', reason: 'NO_CONSENT', requestId: 'req-denied' });
    expect(denied).not.toHaveProperty('customerId');
    await trail.stop();
  });

  describe('checkpoints of the head', () => {
    const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line));

    it('checkpoints the first committed head at once, then at most once per interval, and the last one at stop', async () => {
      const file = privateCheckpointFile();
      let now = 0;
      const { trail, chain } = privateTrail(db, {
        batchSize: 5,
        checkpoints: { store: new FileCheckpointStore(file), intervalMs: 60_000, now: () => now },
      });
      const customerId = unique('c');
      const write = async (count: number) => {
        for (let i = 0; i < count; i++) trail.record(clearRead(customerId));
        await trail.flush();
      };
      await write(5);
      now = 30_000;
      await write(5);
      await write(5);
      now = 61_000;
      await write(5);
      now = 62_000;
      await write(5);
      await trail.stop();
      // seq 5 at once, 10 and 15 within the interval, 20 once it passed, 25 within the next one but at stop.
      expect(lines(file).map((checkpoint: Checkpoint) => [checkpoint.chain, checkpoint.seq, checkpoint.keyedFrom])).toEqual([
        [chain, 5, 1],
        [chain, 20, 1],
        [chain, 25, 1],
      ]);
    });

    it('logs every checkpoint, and keeps writing the chain when the store fails', async () => {
      const logFile = privateCheckpointFile();
      const failing: CheckpointStore = {
        describe: () => 'a store that is away',
        append: () => Promise.reject(new Error('store away')),
        read: () => Promise.reject(new Error('store away')),
      };
      const logger = createLogger('info', pino.destination({ dest: logFile, sync: true }));
      const { trail, chain, repository, key, metrics } = privateTrail(db, { logger, checkpoints: { store: failing, intervalMs: 600_000 } });
      for (let i = 0; i < 3; i++) trail.record(clearRead(unique('c')));
      await trail.stop();

      expect(await repository.head(chain)).toMatchObject({ seq: 3 });
      expect(await metrics.registry.getSingleMetricAsString('c360_audit_checkpoint_failures_total')).toMatch(/ 1$/m);
      const logged = lines(logFile);
      expect(logged.find((line) => line.msg === 'audit checkpoint').auditCheckpoint).toMatchObject({ chain, seq: 3, keyId: key.id });
      expect(logged.find((line) => line.level === 50)).toMatchObject({ msg: 'audit checkpoint could not be stored; the log has it', store: 'a store that is away' });
      const fromLog = await readCheckpoints([new FileCheckpointStore(logFile, 'copy')], chain);
      expect(await verifyChain(repository, { chain, key, checkpoints: fromLog })).toMatchObject({ ok: true, checkpoints: { read: 1 } });
    });
  });
});
