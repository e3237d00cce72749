import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import pino from 'pino';
import { GENESIS_HASH, plainChainHash, type ChainedFields, type StoredAuditEntry } from '../../src/audit/audit-entry';
import { AuditKey } from '../../src/audit/audit-key';
import { AuditKeyMissingError, describeVerdict, verifyChain, type VerifyOptions } from '../../src/audit/chain-verifier';
import { auditBlocksMigration } from '../../src/audit/audit-blocks.migration';
import { FileCheckpointStore, readCheckpoints, type CheckpointStore } from '../../src/audit/checkpoint-store';
import { CypherRegistry } from '../../src/infra/neo4j/cypher-registry';
import type { Database } from '../../src/infra/neo4j/database';
import { createLogger } from '../../src/observability/logger';
import { unique } from '../support/test-app';
import { clearRead, connectTestDb, privateCheckpointFile, privateTrail, testAuditKey } from './audit-builders';
import { chainAttacks } from './chain-attacks';

/** Entries as the writer before keying left them, one node each (the audit-blocks migration moves them into blocks). */
const LEGACY = {
  append: 'UNWIND $entries AS e CREATE (x:AuditEntry) SET x = e, x.seq = toInteger(e.seq), x.at = datetime(e.at)',
  head: 'CREATE (:AuditChain {id: $chain, seq: toInteger($seq), hash: $hash})',
};

const plainHash = (prevHash: string, entry: Record<string, unknown>) => plainChainHash(prevHash, entry as unknown as ChainedFields);

describe('the audit chain is tamper-evident', () => {
  let db: Database;
  let attack: ReturnType<typeof chainAttacks>;
  const run = (statement: string, params: Record<string, unknown>) => db.write((tx) => tx.rows(statement, params));
  const entriesFrom = (chain: string, from: number) => attack.entriesFrom(chain, from);

  beforeAll(() => {
    db = connectTestDb();
    attack = chainAttacks(db);
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
    const rewritten = new Map<number, Pick<StoredAuditEntry, 'purpose' | 'prevHash' | 'hash'>>();
    for (const entry of entries) {
      const edited = { ...entry, purpose: entry.seq === from ? purpose : entry.purpose };
      const hash = plainHash(prevHash, edited);
      rewritten.set(entry.seq, { purpose: edited.purpose, prevHash, hash });
      prevHash = hash;
    }
    await attack.edit(chain, (entry) => (rewritten.has(entry.seq) ? { ...entry, ...rewritten.get(entry.seq) } : undefined));
    if (to === Number.MAX_SAFE_INTEGER) await attack.moveHead(chain, entries[entries.length - 1].seq, prevHash);
  }

  /** Deletes every entry from `from` on and moves the head back to the entry before: a consistent, shorter chain. */
  async function truncate(chain: string, from: number) {
    const [last] = await entriesFrom(chain, from - 1);
    await attack.removeFrom(chain, from);
    await attack.moveHead(chain, from - 1, last.hash);
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
    await attack.setPurpose(chain, 4, 'marketing');
    const verdict = await verify();
    expect(verdict).toMatchObject({ ok: false, outcome: 'BROKEN', seq: 4, problem: 'HASH_MISMATCH', checked: 3 });
    expect(describeVerdict(verdict)).toContain('at seq 4: HASH_MISMATCH, its content does not match its hash: the entry was edited');

    const other = await tenEntryChain();
    await attack.setPurpose(other.chain, 2, undefined);
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
    await attack.unkey(chain);
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
    await attack.removeFrom(chain, 1);
    await attack.deleteHead(chain);
    const verdict = await verify();
    expect(verdict).toMatchObject({ ok: false, problem: 'TRUNCATED' });
    expect(describeVerdict(verdict)).toContain('says head seq 10');
    expect(describeVerdict(verdict)).toContain('the database has no entries');
  });

  it('detects the head moved back over entries still stored', async () => {
    const { chain, verify } = await tenEntryChain();
    const [eighth] = await entriesFrom(chain, 8);
    await attack.moveHead(chain, 8, eighth.hash);
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
    await attack.setPurpose(chain, 8, 'marketing');
    expect(await verify({ fromSeq: 6 })).toMatchObject({ ok: false, seq: 8, problem: 'HASH_MISMATCH' });
    expect(await verify({ toSeq: 7 })).toMatchObject({ ok: true, checked: 7 });
    await attack.setPurpose(chain, 8, eighth.purpose);

    const [fifth] = await entriesFrom(chain, 5);
    await attack.remove(chain, 5);
    expect(await verify({ fromSeq: 6 })).toMatchObject({ ok: false, seq: 5, problem: 'MISSING' });
    await attack.restore(chain, fifth);
    expect(await verify()).toMatchObject({ ok: true, checked: 10 });

    await attack.remove(chain, 5);
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

  it("detects an entry its customer's log no longer finds: its lookup node deleted, or moved to another customer", async () => {
    const { chain, trail, verify } = await tenEntryChain();
    const [seventh] = await entriesFrom(chain, 7);
    await attack.removeLookup(chain, 7);
    const verdict = await verify();
    expect(verdict).toMatchObject({ ok: false, seq: 7, problem: 'UNINDEXED', checked: 6 });
    expect(describeVerdict(verdict)).toContain("at seq 7: UNINDEXED, its customer's audit log cannot find it");
    expect((await trail.customerLog(seventh.customerId!, 100, 100)).map((entry) => entry.seq)).toEqual([10, 9, 8, 6, 5, 4, 3, 2, 1]);

    const other = await tenEntryChain();
    const [third] = await attack.entriesFrom(other.chain, 3);
    await attack.moveLookup(other.chain, 3, 'someone-else');
    expect(await other.verify()).toMatchObject({ ok: false, seq: 3, problem: 'UNINDEXED' });
    // The block says whose entry it is: a lookup node naming someone else finds nothing for them.
    expect(await other.trail.customerLog('someone-else', 100, 100)).toEqual([]);
    expect((await other.trail.entriesFor([third.customerId!])).map((entry) => entry.seq)).toEqual([1, 2, 4, 5, 6, 7, 8, 9, 10]);
  });

  /** `count` entries as a writer of before blocks left them, one node each, hashed with `hash`; `edit` tampers with them. */
  async function entriesOneNodeEach(
    options: { count?: number; hash?: (prevHash: string, entry: ChainedFields) => string; edit?: (row: Record<string, unknown>) => void } = {},
  ) {
    const chain = unique('legacy-');
    const customerId = unique('c-legacy');
    const hash = options.hash ?? plainHash;
    let prevHash = GENESIS_HASH;
    const rows: Record<string, unknown>[] = [];
    for (let seq = 1; seq <= (options.count ?? 10); seq++) {
      const entry = { ...clearRead(customerId, { requestId: `old-${seq}` }), chain, seq, at: new Date(Date.UTC(2025, 0, 1, 0, seq)), reason: null };
      const entryHash = hash(prevHash, entry as ChainedFields);
      rows.push({ ...entry, at: entry.at.toISOString(), prevHash, hash: entryHash });
      prevHash = entryHash;
    }
    for (const row of rows) options.edit?.(row);
    await run(LEGACY.append, { entries: rows });
    await run(LEGACY.head, { chain, seq: rows.length, hash: prevHash });
    return { chain, customerId, headHash: prevHash };
  }

  const moveToBlocks = () => auditBlocksMigration.run(db, new CypherRegistry());
  const nodesLeft = async (chain: string) =>
    (await db.read<{ left: number }>('MATCH (e:AuditEntry {chain: $chain}) RETURN count(e) AS left', { chain }))[0].left;

  describe('entries stored one node each, moved into blocks by the audit-blocks migration', () => {
    it('moves every entry as it was: the chain verifies as before, and each entry is found by its customer', async () => {
      const key = testAuditKey();
      const { chain, customerId } = await entriesOneNodeEach({ count: 2_500, hash: (prevHash, entry) => key.entryHash(prevHash, entry) });
      await run('MATCH (h:AuditChain {id: $chain}) SET h.keyedFrom = 1', { chain });
      await moveToBlocks();
      await moveToBlocks();

      const { repository, trail } = privateTrail(db, { chain });
      expect(await verifyChain(repository, { chain, key, pageSize: 700 })).toMatchObject({ ok: true, checked: 2_500, keyedFrom: 1 });
      expect(await nodesLeft(chain)).toBe(0);
      const found = await trail.entriesFor([customerId]);
      expect(found.map((entry) => entry.seq)).toEqual(Array.from({ length: 2_500 }, (_, i) => i + 1));
      expect(found[41]).toMatchObject({
        chain, seq: 42, subject: 'test-steward', roles: ['steward'], fields: ['Customer.email'], customerId, purpose: null,
        decision: 'ALLOWED_CLEAR', reason: null, requestId: 'old-42', channel: 'QUERY', at: new Date(Date.UTC(2025, 0, 1, 0, 42)),
      });
    });

    it('keeps what was edited as it was: the chain breaks at the same entry, for the same reason', async () => {
      const edited = await entriesOneNodeEach({ edit: (row) => row.seq === 6 && (row.purpose = 'marketing') });
      const relinked = await entriesOneNodeEach({ edit: (row) => row.seq === 4 && (row.prevHash = 'f'.repeat(64)) });
      const deleted = await entriesOneNodeEach({ edit: (row) => row.seq === 5 && (row.seq = -5) });
      const retyped = await entriesOneNodeEach({ edit: (row) => row.seq === 3 && (row.customerId = 42) });
      await moveToBlocks();

      const verify = (chain: string) => verifyChain(privateTrail(db, { chain }).repository, { chain, key: null });
      expect(await verify(edited.chain)).toMatchObject({ ok: false, seq: 6, problem: 'HASH_MISMATCH' });
      expect(await verify(relinked.chain)).toMatchObject({ ok: false, seq: 4, problem: 'PREV_HASH_MISMATCH' });
      expect(await verify(deleted.chain)).toMatchObject({ ok: false, seq: 5, problem: 'MISSING' });
      // A customer that is not a string cannot be stored in a block as it is: the entry stays where it was, and the
      // chain in blocks misses it.
      expect(await verify(retyped.chain)).toMatchObject({ ok: false, seq: 3, problem: 'MISSING' });
      expect(await nodesLeft(retyped.chain)).toBe(1);
    });
  });

  describe('a chain written before keying', () => {
    it('still verifies, and is keyed from the first entry appended after the key came', async () => {
      const { chain } = await entriesOneNodeEach();
      await moveToBlocks();
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
