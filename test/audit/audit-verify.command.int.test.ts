import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { Redis } from 'ioredis';
import { canonicalJson, type ChainedFields } from '../../src/audit/audit-entry';
import { RedisCheckpointStore } from '../../src/audit/checkpoint-store';
import type { Database } from '../../src/infra/neo4j/database';
import { unique } from '../support/test-app';
import { clearRead, connectTestDb, privateTrail } from './audit-builders';
import { chainAttacks } from './chain-attacks';

const ROOT = path.resolve(__dirname, '../..');

/** `npm run audit:verify -- ...args` as an operator runs it: the compiled command, its output and exit code. */
function auditVerify(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['dist/audit/audit-verify.command.js', ...args],
      { cwd: ROOT, env: { ...env, LOG_LEVEL: 'silent' }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

const plainHash = (prevHash: string, entry: ChainedFields) =>
  createHash('sha256').update(prevHash).update('\n').update(canonicalJson(entry)).digest('hex');

/** The command as configured without Redis: its checkpoints are in AUDIT_CHECKPOINT_FILE. */
function withoutRedis(checkpointFile: string): NodeJS.ProcessEnv {
  const { REDIS_URL: _unused, ...env } = process.env;
  return { ...env, AUDIT_CHECKPOINT_FILE: checkpointFile };
}

describe('npm run audit:verify', () => {
  let db: Database;
  let redis: Redis;
  let attack: ReturnType<typeof chainAttacks>;

  beforeAll(() => {
    db = connectTestDb();
    attack = chainAttacks(db);
    redis = new Redis(process.env.REDIS_URL!);
  });
  afterAll(async () => {
    await db.close();
    redis.disconnect();
  });

  /**
   * A chain of ten entries of its own, written by the API's trail in batches of four, checkpointed where the API
   * would put them with this configuration: in Redis (the tests' REDIS_URL), as the command finds them.
   */
  async function tenEntryChain() {
    const written = privateTrail(db, {
      batchSize: 4,
      checkpoints: { store: new RedisCheckpointStore(redis, process.env.AUDIT_CHECKPOINT_KEY!), intervalMs: 600_000 },
    });
    const customerId = unique('c');
    for (let i = 0; i < 10; i++) written.trail.record(clearRead(customerId, { purpose: 'support', requestId: `req-${i}` }));
    await written.trail.stop();
    return written.chain;
  }

  /** The same, without Redis: checkpointed to the file the command is told of. */
  async function tenEntryChainWithFile() {
    const written = privateTrail(db, { batchSize: 4 });
    for (let i = 0; i < 10; i++) written.trail.record(clearRead(unique('c')));
    await written.trail.stop();
    return { chain: written.chain, env: withoutRedis(written.checkpointFile) };
  }

  /** Deletes every entry from `from` on and moves the head back to the entry before: a consistent, shorter chain. */
  async function truncate(chain: string, from: number) {
    const [last] = await attack.entriesFrom(chain, from - 1);
    await attack.removeFrom(chain, from);
    await attack.moveHead(chain, from - 1, last.hash);
  }

  it('says OK for an intact chain and exits 0', async () => {
    const chain = await tenEntryChain();
    const { code, out } = await auditVerify(['--chain', chain]);
    expect(out).toContain(`OK: audit chain "${chain}" intact, 10 entries verified (seq 1..10)`);
    expect(out).toMatch(/^Keying: HMAC-SHA256 with key [0-9a-f]{12} from seq 1 on\.$/m);
    expect(out).toContain(`Checkpoints: 2 in Redis stream ${process.env.AUDIT_CHECKPOINT_KEY}:${chain} (newest checkpoint #2 at`);
    expect(code).toBe(0);
  });

  it('detects the newest entry deleted and the head moved back to the entry before it', async () => {
    const chain = await tenEntryChain();
    await truncate(chain, 10);
    const { code, out } = await auditVerify(['--chain', chain]);
    expect(out).toMatch(/^BROKEN/m);
    expect(out).toMatch(/checkpoint #\d+ at \S+ says head seq 10 hash [0-9a-f]{12}…; the database has seq 9/);
    expect(code).toBe(1);
  });

  it('detects a truncated chain (the newest half gone, the head moved back) from the checkpoint file', async () => {
    const { chain, env } = await tenEntryChainWithFile();
    expect(await auditVerify(['--chain', chain], env)).toMatchObject({ code: 0 });
    await truncate(chain, 6);
    const { code, out } = await auditVerify(['--chain', chain], env);
    expect(out).toMatch(/says head seq 10 hash [0-9a-f]{12}…; the database has seq 5: the newest entries were deleted \(the checkpoint is line 2 of \S+checkpoints.jsonl\)/);
    expect(code).toBe(1);
  });

  it('detects an entry edited with every later hash and the head recomputed, as an attacker without the key would', async () => {
    const chain = await tenEntryChain();
    let prevHash = '';
    await attack.edit(chain, (entry) => {
      if (entry.seq < 4) return undefined;
      prevHash = entry.seq === 4 ? entry.prevHash : prevHash;
      const purpose = entry.seq === 4 ? 'marketing' : entry.purpose;
      const hash = plainHash(prevHash, { ...entry, purpose } as unknown as ChainedFields);
      const rewritten = { ...entry, purpose, prevHash, hash };
      prevHash = hash;
      return rewritten;
    });
    await attack.moveHead(chain, 10, prevHash);

    const { code, out } = await auditVerify(['--chain', chain]);
    expect(out).toMatch(/^BROKEN: audit chain "[^"]+" at seq 4: HASH_MISMATCH/m);
    expect(code).toBe(1);
  });

  it('says that nothing was verified when --from is past the head, and exits 3', async () => {
    const chain = await tenEntryChain();
    const { code, out } = await auditVerify(['--chain', chain, '--from', '11']);
    expect(out).toContain(`NOTHING VERIFIED: audit chain "${chain}": --from 11 is past its head (seq 10)`);
    expect(code).toBe(3);
  });

  it('says that nothing was verified for a chain without entries (a mistyped --chain), and exits 3', async () => {
    const { code, out } = await auditVerify(['--chain', unique('no-such-chain-')]);
    expect(out).toMatch(/^NOTHING VERIFIED: audit chain "no-such-chain-\w+" has no entries/m);
    expect(code).toBe(3);
  });

  it.each([
    [['--from', 'abc'], /--from must be a positive integer, not "abc"/],
    [['--from', '0'], /--from must be a positive integer, not "0"/],
    [['--to', '1.5'], /--to must be a positive integer, not "1.5"/],
    [['--from', '1e3'], /--from must be a positive integer, not "1e3"/],
    [['--from', '5', '--to', '3'], /--from 5 is after --to 3/],
    [['--form', '5'], /Unknown option '--form'/],
    [['extra'], /Unexpected argument 'extra'/],
    [['--from'], /Option '--from <value>' argument missing/],
  ])('refuses %j with a usage line and exit code 2', async (args, message) => {
    const { code, out } = await auditVerify(args);
    expect(out).toMatch(message);
    expect(out).toContain('Usage: npm run audit:verify');
    expect(code).toBe(2);
  });

  it('exits 2 when a checkpoint copy it was given does not exist', async () => {
    const { code, out } = await auditVerify(['--checkpoints', '/nonexistent/api.log']);
    expect(out).toMatch(/ENOENT: no such file or directory, open '\/nonexistent\/api.log'/);
    expect(code).toBe(2);
  });

  it('prints its usage for --help and exits 0', async () => {
    const { code, out } = await auditVerify(['--help']);
    expect(out).toMatch(/^Usage: npm run audit:verify -- \[--chain main\] \[--from SEQ\] \[--to SEQ\]/m);
    expect(code).toBe(0);
  });
});
