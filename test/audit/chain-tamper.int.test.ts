import { DateTime } from 'neo4j-driver';
import { chainHash, type ChainedFields } from '../../src/audit/audit-entry';
import { describeVerdict, verifyChain } from '../../src/audit/chain-verifier';
import type { Database } from '../../src/infra/neo4j/database';
import { unique } from '../support/test-app';
import { clearRead, connectTestDb, privateTrail } from './audit-builders';

/**
 * What someone with write access to Neo4j could do behind the API's back. These statements are the attacker's, so
 * they are deliberately not in the app's Cypher registry.
 */
const ATTACK = {
  setPurpose: 'MATCH (e:AuditEntry {chain: $chain, seq: toInteger($seq)}) SET e.purpose = $purpose',
  setPurposeAndHash: 'MATCH (e:AuditEntry {chain: $chain, seq: toInteger($seq)}) SET e.purpose = $purpose, e.hash = $hash',
  remove: 'MATCH (e:AuditEntry {chain: $chain, seq: toInteger($seq)}) DELETE e',
  restore: 'CREATE (e:AuditEntry) SET e = $entry, e.seq = toInteger($entry.seq), e.at = $at',
  removePurpose: 'MATCH (e:AuditEntry {chain: $chain, seq: toInteger($seq)}) REMOVE e.purpose',
};

describe('the audit chain is tamper-evident', () => {
  let db: Database;
  let chainOf: ReturnType<typeof privateTrail>;
  const run = (statement: string, params: Record<string, unknown>) => db.write((tx) => tx.rows(statement, params));

  beforeAll(async () => {
    db = connectTestDb();
    // A chain of this file's own: tampering with it can never fail another test's verification of `main`.
    chainOf = privateTrail(db, { batchSize: 4 });
    const customerId = unique('c');
    for (let i = 0; i < 10; i++) chainOf.trail.record(clearRead(customerId, { purpose: 'support', requestId: `req-${i}` }));
    await chainOf.trail.stop();
  });
  afterAll(() => db.close());

  const verify = (options: { fromSeq?: number; toSeq?: number } = {}) =>
    verifyChain(chainOf.repository, { chain: chainOf.chain, pageSize: 3, ...options });
  const original = async (seq: number) => (await chainOf.repository.entryAt(chainOf.chain, seq))!;

  /** Puts an entry back exactly as it was, so each test starts from an intact chain. */
  const repair = async (entry: Record<string, unknown>) => {
    await run(ATTACK.remove, { chain: chainOf.chain, seq: entry.seq });
    await run(ATTACK.restore, { entry: { ...entry, at: null }, at: DateTime.fromStandardDate(entry.at as Date) });
    expect(await verify()).toMatchObject({ ok: true, checked: 10 });
  };

  it('is intact as written', async () => {
    const verdict = await verify();
    expect(verdict).toEqual({ ok: true, chain: chainOf.chain, checked: 10, fromSeq: 1, toSeq: 10 });
    expect(describeVerdict(verdict)).toBe(`OK: audit chain "${chainOf.chain}" intact, 10 entries verified (seq 1..10)`);
  });

  it('detects an edited field at the entry edited', async () => {
    const entry = await original(4);
    await run(ATTACK.setPurpose, { chain: chainOf.chain, seq: 4, purpose: 'marketing' });
    const verdict = await verify();
    expect(verdict).toMatchObject({ ok: false, seq: 4, problem: 'HASH_MISMATCH', checked: 3 });
    expect(describeVerdict(verdict)).toContain('at seq 4: HASH_MISMATCH, its content does not match its hash: the entry was edited');
    await repair(entry);
  });

  it('detects a removed property, not only a changed one', async () => {
    const entry = await original(2);
    await run(ATTACK.removePurpose, { chain: chainOf.chain, seq: 2 });
    expect(await verify()).toMatchObject({ ok: false, seq: 2, problem: 'HASH_MISMATCH' });
    await repair(entry);
  });

  it('detects an edit whose hash was recomputed to match, at the next entry', async () => {
    const entry = await original(6);
    const edited = { ...entry, purpose: 'marketing' } as unknown as ChainedFields;
    await run(ATTACK.setPurposeAndHash, {
      chain: chainOf.chain,
      seq: 6,
      purpose: 'marketing',
      hash: chainHash(String(entry.prevHash), edited),
    });
    expect(await verify()).toMatchObject({ ok: false, seq: 7, problem: 'PREV_HASH_MISMATCH' });
    await repair(entry);
  });

  it('detects a deleted entry in the middle and at the end', async () => {
    const middle = await original(5);
    await run(ATTACK.remove, { chain: chainOf.chain, seq: 5 });
    const verdict = await verify();
    expect(verdict).toMatchObject({ ok: false, seq: 5, problem: 'MISSING', checked: 4 });
    expect(describeVerdict(verdict)).toContain('at seq 5: MISSING, no entry has this seq: it was deleted');
    await repair(middle);

    const last = await original(10);
    await run(ATTACK.remove, { chain: chainOf.chain, seq: 10 });
    expect(await verify()).toMatchObject({ ok: false, seq: 10, problem: 'MISSING' });
    await repair(last);
  });

  it('verifies a range, anchored at the stored hash of the entry before it', async () => {
    expect(await verify({ fromSeq: 6 })).toEqual({ ok: true, chain: chainOf.chain, checked: 5, fromSeq: 6, toSeq: 10 });
    expect(await verify({ fromSeq: 3, toSeq: 7 })).toMatchObject({ ok: true, checked: 5, fromSeq: 3, toSeq: 7 });

    const entry = await original(8);
    await run(ATTACK.setPurpose, { chain: chainOf.chain, seq: 8, purpose: 'marketing' });
    expect(await verify({ fromSeq: 6 })).toMatchObject({ ok: false, seq: 8, problem: 'HASH_MISMATCH' });
    expect(await verify({ toSeq: 7 })).toMatchObject({ ok: true, checked: 7 });
    await repair(entry);

    const before = await original(5);
    await run(ATTACK.remove, { chain: chainOf.chain, seq: 5 });
    expect(await verify({ fromSeq: 6 })).toMatchObject({ ok: false, seq: 5, problem: 'MISSING' });
    await repair(before);
  });
});
