import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { DateTime } from 'neo4j-driver';
import pino from 'pino';
import { GENESIS_HASH, plainChainHash, type ChainedFields } from '../../src/audit/audit-entry';
import { AuditKey } from '../../src/audit/audit-key';
import { AuditKeyMissingError, describeVerdict, verifyChain, type VerifyOptions } from '../../src/audit/chain-verifier';
import { FileCheckpointStore, readCheckpoints, type CheckpointStore } from '../../src/audit/checkpoint-store';
import type { Database } from '../../src/infra/neo4j/database';
import { createLogger } from '../../src/observability/logger';
import { unique } from '../support/test-app';
import { clearRead, connectTestDb, privateCheckpointFile, privateTrail, testAuditKey } from './audit-builders';

/**
 * What someone with write access to Neo4j, but not the audit key, could do behind the API's back. These statements
 * are the attacker's (and the writer's from before keying), so they are deliberately not in the app's registry.
 */
const ATTACK = {
  entriesFrom: 'MATCH (e:AuditEntry) WHERE e.chain = $chain AND e.seq >= toInteger($from) RETURN e {.*} AS entry ORDER BY e.seq',
  setPurpose: 'MATCH (e:AuditEntry {chain: $chain, seq: toInteger($seq)}) SET e.purpose = $purpose',
  rewrite: 'MATCH (e:AuditEntry {chain: $chain, seq: toInteger($seq)}) SET e.purpose = $purpose, e.prevHash = $prevHash, e.hash = $hash',
  remove: 'MATCH (e:AuditEntry {chain: $chain, seq: toInteger($seq)}) DELETE e',
  removeFrom: 'MATCH (e:AuditEntry) WHERE e.chain = $chain AND e.seq >= toInteger($from) DELETE e',
  restore: 'CREATE (e:AuditEntry) SET e = $entry, e.seq = toInteger($entry.seq), e.at = $at',
  removePurpose: 'MATCH (e:AuditEntry {chain: $chain, seq: toInteger($seq)}) REMOVE e.purpose',
  moveHead: 'MATCH (h:AuditChain {id: $chain}) SET h.seq = toInteger($seq), h.hash = $hash',
  unkey: 'MATCH (h:AuditChain {id: $chain}) REMOVE h.keyedFrom',
};
const LEGACY = {
  append: 'UNWIND $entries AS e CREATE (x:AuditEntry) SET x = e, x.seq = toInteger(e.seq), x.at = datetime(e.at)',
  head: 'CREATE (:AuditChain {id: $chain, seq: toInteger($seq), hash: $hash})',
};

const plainHash = (prevHash: string, entry: Record<string, unknown>) => plainChainHash(prevHash, entry as unknown as ChainedFields);

describe('the audit chain is tamper-evident', () => {
  let db: Database;
  const run = (statement: string, params: Record<string, unknown>) =>
    db.write((tx) => tx.rows<{ entry: Record<string, unknown> }>(statement, params));
  const entriesFrom = async (chain: string, from: number) => (await run(ATTACK.entriesFrom, { chain, from })).map((row) => row.entry);

  beforeAll(() => {
    db = connectTestDb();
  });
  afterAll(() => db.close());

  /**
   * A chain of ten entries of its own, written by the API's trail in batches of four: checkpoints #1 after the
   * first batch (seq 4) and #2 at stop (seq 10), in a file of its own.
   */
  async function tenEntryChain(options: { logFile?: string } = {}) {
    const logger = options.logFile ? createLogger('info', pino.destination({ dest: options.logFile, sync: true })) : undefined;
    const written = privateTrail(db, { batchSize: 4, logger });
    const customerId = unique('c');
    for (let i = 0; i < 10; i++) written.trail.record(clearRead(customerId, { purpose: 'support', requestId: `req-${i}` }));
    await written.trail.stop();
    const stores: CheckpointStore[] = [new FileCheckpointStore(written.checkpointFile)];
    const verify = async (options: Partial<VerifyOptions> & { stores?: CheckpointStore[] } = {}) =>
      verifyChain(written.repository, {
        chain: written.chain,
        key: written.key,
        pageSize: 3,
        checkpoints: await readCheckpoints(options.stores ?? stores, written.chain),
        ...options,
      });
    return { ...written, verify };
  }

  /**
   * Rewrites entries from `from` on (up to `to`) with plain SHA-256, all an attacker can compute, and moves the head
   * to match when the rewrite reaches it.
   */
  async function rewriteFrom(chain: string, from: number, purpose: string, to = Number.MAX_SAFE_INTEGER) {
    const [before, ...entries] = (await entriesFrom(chain, from - 1)).filter((entry) => Number(entry.seq) <= to);
    if (from === 1) entries.unshift(before);
    let prevHash = from === 1 ? GENESIS_HASH : String(before.hash);
    for (const entry of entries) {
      const edited = { ...entry, purpose: entry.seq === from ? purpose : entry.purpose };
      const hash = plainHash(prevHash, edited);
      await run(ATTACK.rewrite, { chain, seq: entry.seq, purpose: edited.purpose ?? null, prevHash, hash });
      prevHash = hash;
    }
    if (to === Number.MAX_SAFE_INTEGER) await run(ATTACK.moveHead, { chain, seq: entries[entries.length - 1].seq, hash: prevHash });
  }

  /** Deletes every entry from `from` on and moves the head back to the entry before: a consistent, shorter chain. */
  async function truncate(chain: string, from: number) {
    const [last] = await entriesFrom(chain, from - 1);
    await run(ATTACK.removeFrom, { chain, from });
    await run(ATTACK.moveHead, { chain, seq: from - 1, hash: last.hash });
  }

  it('is intact as written, keyed from its first entry, with two checkpoints that agree', async () => {
    const { chain, key, checkpointFile, verify } = await tenEntryChain();
    const verdict = await verify();
    expect(verdict).toMatchObject({ ok: true, outcome: 'INTACT', chain, checked: 10, fromSeq: 1, toSeq: 10, keyedFrom: 1 });
    expect(verdict.checkpoints).toMatchObject({ read: 2, newest: { number: 2, seq: 10 } });
    const report = describeVerdict(verdict).split('\n');
    expect(report[0]).toBe(`OK: audit chain "${chain}" intact, 10 entries verified (seq 1..10)`);
    expect(report[1]).toBe(`Keying: HMAC-SHA256 with key ${key.id} from seq 1 on.`);
    expect(report[2]).toMatch(new RegExp(`^Checkpoints: 2 in ${checkpointFile} \\(newest checkpoint #2 at \\S+Z, head seq 10\\); none contradicts the database\\.$`));
  });

  it('detects an edited field, and a removed property, at the entry edited', async () => {
    const { chain, verify } = await tenEntryChain();
    await run(ATTACK.setPurpose, { chain, seq: 4, purpose: 'marketing' });
    const verdict = await verify();
    expect(verdict).toMatchObject({ ok: false, outcome: 'BROKEN', seq: 4, problem: 'HASH_MISMATCH', checked: 3 });
    expect(describeVerdict(verdict)).toContain('at seq 4: HASH_MISMATCH, its content does not match its hash: the entry was edited');

    const other = await tenEntryChain();
    await run(ATTACK.removePurpose, { chain: other.chain, seq: 2 });
    expect(await other.verify()).toMatchObject({ ok: false, seq: 2, problem: 'HASH_MISMATCH' });
  });

  it('detects an entry edited with its hash, every later one and the head recomputed without the key', async () => {
    const { chain, verify } = await tenEntryChain();
    await rewriteFrom(chain, 6, 'marketing');
    expect(await verify()).toMatchObject({ ok: false, seq: 6, problem: 'HASH_MISMATCH', checked: 5 });
    // Without checkpoints too: the keyed hash alone gives it away.
    expect(await verify({ stores: [] })).toMatchObject({ ok: false, seq: 6, problem: 'HASH_MISMATCH' });
  });

  it('detects a rewrite that also claims the chain was never keyed, by the checkpoints', async () => {
    const { chain, verify } = await tenEntryChain();
    await rewriteFrom(chain, 1, 'marketing');
    await run(ATTACK.unkey, { chain });
    const verdict = await verify();
    expect(verdict).toMatchObject({ ok: false, seq: 4, problem: 'CHECKPOINT_CONTRADICTED', keyedFrom: null });
    expect(describeVerdict(verdict)).toMatch(
      /checkpoint #1 at \S+ says entries are keyed from seq 1; the database says no entry is keyed: entries were rewritten without the key/,
    );
  });

  it('detects the newest entry deleted and the head moved back, by the newest checkpoint', async () => {
    const { chain, verify, checkpointFile } = await tenEntryChain();
    await truncate(chain, 10);
    const verdict = await verify();
    expect(verdict).toMatchObject({ ok: false, seq: 10, problem: 'TRUNCATED', checked: 0 });
    expect(describeVerdict(verdict)).toMatch(
      new RegExp(
        `^BROKEN: audit chain "${chain}" at seq 10: TRUNCATED, checkpoint #2 at \\S+ says head seq 10 hash [0-9a-f]{12}…; ` +
          `the database has seq 9: the newest entries were deleted \\(the checkpoint is line 2 of ${checkpointFile}\\)`,
      ),
    );
  });

  it('detects a whole chain deleted, head and all', async () => {
    const { chain, verify } = await tenEntryChain();
    await run(ATTACK.removeFrom, { chain, from: 1 });
    await db.write((tx) => tx.rows('MATCH (h:AuditChain {id: $chain}) DELETE h', { chain }));
    const verdict = await verify();
    expect(verdict).toMatchObject({ ok: false, problem: 'TRUNCATED' });
    expect(describeVerdict(verdict)).toContain('says head seq 10');
    expect(describeVerdict(verdict)).toContain('the database has no entries');
  });

  it('detects the head moved back over entries still stored', async () => {
    const { chain, verify } = await tenEntryChain();
    const [eighth] = await entriesFrom(chain, 8);
    await run(ATTACK.moveHead, { chain, seq: 8, hash: eighth.hash });
    const verdict = await verify({ stores: [] });
    expect(verdict).toMatchObject({ ok: false, seq: 9, problem: 'PAST_HEAD' });
    expect(describeVerdict(verdict)).toContain('entries up to seq 10 are stored beyond the head (seq 8): the head was moved back');
  });

  it('detects a truncation from the log stream alone, when the checkpoint store is lost', async () => {
    const logFile = privateCheckpointFile().replace(/checkpoints\.jsonl$/, 'api.log');
    const { chain, verify } = await tenEntryChain({ logFile });
    appendFileSync(logFile, 'not JSON: a log line of something else\n{"level":30,"msg":"another line"}\n');
    await truncate(chain, 7);
    const verdict = await verify({ stores: [new FileCheckpointStore(logFile, 'copy')] });
    expect(verdict).toMatchObject({ ok: false, problem: 'TRUNCATED', checkpoints: { read: 2 } });
    expect(describeVerdict(verdict)).toMatch(/says head seq 10 hash [0-9a-f]{12}…; the database has seq 6/);
  });

  it('refuses an edited checkpoint, a line that is none, and a checkpoint signed with another key', async () => {
    const { checkpointFile, verify } = await tenEntryChain();
    const lines = readFileSync(checkpointFile, 'utf8').trim().split('\n');
    const second = JSON.parse(lines[1]);

    writeFileSync(checkpointFile, `${lines[0]}\n${JSON.stringify({ ...second, seq: 9 })}\n`);
    const edited = await verify();
    expect(edited).toMatchObject({ ok: false, problem: 'CHECKPOINT_FORGED', seq: 9 });
    expect(describeVerdict(edited)).toContain('checkpoint #2 at');
    expect(describeVerdict(edited)).toContain('is not signed with this key: it was changed after it was signed');

    writeFileSync(checkpointFile, `${lines.join('\n')}\n{"seq": 12}\n`);
    expect(describeVerdict(await verify())).toMatch(new RegExp(`CHECKPOINT_FORGED, line 3 of ${checkpointFile} is not a checkpoint`));

    writeFileSync(checkpointFile, `${lines.join('\n')}\n`);
    const otherKey = AuditKey.of('another-key-of-at-least-thirty-two-characters');
    const foreign = await verify({ key: otherKey });
    expect(describeVerdict(foreign)).toContain(`it names key ${testAuditKey().id}, this is key ${otherKey.id}: is this the key the API writes with?`);
  });

  it('refuses to verify keyed entries without the key', async () => {
    const { verify } = await tenEntryChain();
    await expect(verify({ key: null, stores: [] })).rejects.toThrow(AuditKeyMissingError);
    await expect(verify({ key: null, stores: [] })).rejects.toThrow(/is keyed from seq 1 on, and there is no key to verify it with/);
  });

  it('verifies a range, anchored at the stored hash of the entry before it', async () => {
    const { chain, verify } = await tenEntryChain();
    expect(await verify({ fromSeq: 6 })).toMatchObject({ ok: true, checked: 5, fromSeq: 6, toSeq: 10 });
    expect(await verify({ fromSeq: 3, toSeq: 7 })).toMatchObject({ ok: true, checked: 5, fromSeq: 3, toSeq: 7 });

    const [eighth] = await entriesFrom(chain, 8);
    await run(ATTACK.setPurpose, { chain, seq: 8, purpose: 'marketing' });
    expect(await verify({ fromSeq: 6 })).toMatchObject({ ok: false, seq: 8, problem: 'HASH_MISMATCH' });
    expect(await verify({ toSeq: 7 })).toMatchObject({ ok: true, checked: 7 });
    await run(ATTACK.setPurpose, { chain, seq: 8, purpose: eighth.purpose });

    const [fifth] = await entriesFrom(chain, 5);
    await run(ATTACK.remove, { chain, seq: 5 });
    expect(await verify({ fromSeq: 6 })).toMatchObject({ ok: false, seq: 5, problem: 'MISSING' });
    await run(ATTACK.restore, { entry: { ...fifth, at: null }, at: DateTime.fromStandardDate(fifth.at as Date) });
    expect(await verify()).toMatchObject({ ok: true, checked: 10 });

    await run(ATTACK.remove, { chain, seq: 5 });
    const verdict = await verify();
    expect(verdict).toMatchObject({ ok: false, seq: 5, problem: 'MISSING', checked: 4 });
    expect(describeVerdict(verdict)).toContain('at seq 5: MISSING, no entry has this seq: it was deleted');
  });

  it('says that nothing was verified past the head or on a chain without entries', async () => {
    const { verify } = await tenEntryChain();
    const past = await verify({ fromSeq: 11 });
    expect(past).toMatchObject({ ok: false, outcome: 'NOTHING_VERIFIED', reason: 'FROM_PAST_HEAD', checked: 0 });
    expect(describeVerdict(past)).toMatch(/^NOTHING VERIFIED: audit chain "[^"]+": --from 11 is past its head \(seq 10\)$/m);

    const repository = privateTrail(db).repository;
    const none = await verifyChain(repository, { chain: unique('none-'), key: testAuditKey() });
    expect(none).toMatchObject({ ok: false, outcome: 'NOTHING_VERIFIED', reason: 'NO_ENTRIES' });
  });

  describe('a chain written before keying', () => {
    /** Ten entries as the writer before keying left them: plain SHA-256, a head without keyedFrom. */
    async function legacyChain() {
      const chain = unique('legacy-');
      let prevHash = GENESIS_HASH;
      const rows: Record<string, unknown>[] = [];
      for (let seq = 1; seq <= 10; seq++) {
        const entry = { ...clearRead('c-legacy', { requestId: `old-${seq}` }), chain, seq, at: new Date(Date.UTC(2025, 0, 1, 0, seq)), reason: null };
        const hash = plainChainHash(prevHash, entry as ChainedFields);
        rows.push({ ...entry, at: entry.at.toISOString(), prevHash, hash });
        prevHash = hash;
      }
      await run(LEGACY.append, { entries: rows });
      await run(LEGACY.head, { chain, seq: 10, hash: prevHash });
      return chain;
    }

    it('still verifies, and is keyed from the first entry appended after the key came', async () => {
      const chain = await legacyChain();
      const { repository, trail, key, checkpointFile } = privateTrail(db, { chain });
      const before = await verifyChain(repository, { chain, key: null });
      expect(before).toMatchObject({ ok: true, checked: 10, keyedFrom: null });
      expect(describeVerdict(before)).toContain('Keying: no entry is keyed (all were written before the audit key)');

      for (let i = 0; i < 5; i++) trail.record(clearRead(unique('c')));
      await trail.stop();
      const verify = async () =>
        verifyChain(repository, { chain, key, checkpoints: await readCheckpoints([new FileCheckpointStore(checkpointFile)], chain) });
      const after = await verify();
      expect(after).toMatchObject({ ok: true, checked: 15, keyedFrom: 11 });
      expect(describeVerdict(after)).toContain(
        `Keying: HMAC-SHA256 with key ${key.id} from seq 11 on; seq 1..10, written before it, are plain SHA-256, sealed by the keyed entry after them.`,
      );

      // An old entry edited and the old part recomputed: the first keyed entry no longer links to it, and cannot
      // be made to without the key.
      await rewriteFrom(chain, 3, 'marketing', 10);
      expect(await verify()).toMatchObject({ ok: false, problem: 'PREV_HASH_MISMATCH', seq: 11 });
      await rewriteFrom(chain, 11, 'support');
      expect(await verify()).toMatchObject({ ok: false, problem: 'HASH_MISMATCH', seq: 11 });
    });
  });
});
