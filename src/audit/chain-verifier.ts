import { isSignedBy, type CheckpointEvidence, type FoundCheckpoint } from './audit-checkpoint';
import { GENESIS_HASH, plainChainHash } from './audit-entry';
import type { AuditKey } from './audit-key';
import type { AuditRepository } from './audit.repository';

export type ChainProblem =
  /** The entry's content no longer matches its hash: it was edited. */
  | 'HASH_MISMATCH'
  /** The entry does not link to the one before it: an entry before it was deleted or replaced. */
  | 'PREV_HASH_MISMATCH'
  /** There is no entry with this seq although later ones exist, or the head counts further: it was deleted. */
  | 'MISSING'
  /** The last entry is not the one the chain's head recorded: the newest entries were deleted or replaced. */
  | 'HEAD_MISMATCH'
  /** The entry names a customer, and that customer's log cannot find it: its lookup node was deleted or edited. */
  | 'UNINDEXED'
  /** Entries are stored beyond the seq the head records: the head was moved back. */
  | 'PAST_HEAD'
  /** A checkpoint saw the head further on than the database has it: the newest entries were deleted. */
  | 'TRUNCATED'
  /** A checkpoint saw another hash at its seq, or another start of keying: entries were rewritten. */
  | 'CHECKPOINT_CONTRADICTED'
  /** A checkpoint without this key's valid signature, or a record in the store that is no checkpoint. */
  | 'CHECKPOINT_FORGED';

type Findings = {
  chain: string;
  checked: number;
  headSeq: number;
  /** The first seq hashed with the key; null when no entry is (a chain written before keying). */
  keyedFrom: number | null;
  keyId: string | null;
  checkpoints: { sources: string[]; read: number; newest: FoundCheckpoint | null };
};

export type ChainVerdict =
  | (Findings & { ok: true; outcome: 'INTACT'; fromSeq: number; toSeq: number })
  | (Findings & { ok: false; outcome: 'BROKEN'; seq: number | null; problem: ChainProblem; detail: string })
  | (Findings & { ok: false; outcome: 'NOTHING_VERIFIED'; fromSeq: number; reason: 'NO_ENTRIES' | 'FROM_PAST_HEAD' });

export type VerifyOptions = {
  chain?: string;
  /** Verify from this seq on (1: the whole chain, anchored at the genesis hash). */
  fromSeq?: number;
  /** Verify up to this seq; by default up to the head as read when verification starts. */
  toSeq?: number;
  pageSize?: number;
  /** The key the chain was written with; null will do only for a chain from before keying, without checkpoints. */
  key: AuditKey | null;
  /**
   * Read before verification starts: a checkpoint is written after its head committed, so none read then is ahead
   * of the head read here unless entries were deleted.
   */
  checkpoints?: CheckpointEvidence;
};

/** Keyed entries or checkpoints, and no key to check them with. */
export class AuditKeyMissingError extends Error {}

const DETAIL: Record<Exclude<ChainProblem, 'PAST_HEAD' | 'TRUNCATED' | 'CHECKPOINT_CONTRADICTED' | 'CHECKPOINT_FORGED'>, string> = {
  HASH_MISMATCH: 'its content does not match its hash: the entry was edited',
  PREV_HASH_MISMATCH: 'it does not link to the entry before it: an entry was deleted or replaced',
  MISSING: 'no entry has this seq: it was deleted',
  HEAD_MISMATCH: 'the last entry is not the one the chain head recorded: newer entries were deleted or replaced',
  UNINDEXED: "its customer's audit log cannot find it: its lookup node was deleted or edited, so that log and the customer's data export miss it",
};

const count = (n: number) => n.toLocaleString('en-US');
const short = (hash: string) => `${hash.slice(0, 12)}…`;
const label = (checkpoint: FoundCheckpoint) => `checkpoint #${checkpoint.number} at ${checkpoint.at}`;
const whereIs = (checkpoint: FoundCheckpoint) => `(the checkpoint is ${checkpoint.where})`;

/**
 * Walks a chain in seq order, a page at a time, and reports the first problem: first what the checkpoints kept
 * outside Neo4j say against the database (they are what someone who can write to Neo4j cannot rewrite), then each
 * entry's link and hash, keyed from the head's keyedFrom on, and that its customer's log finds it. Entries appended
 * while it runs are beyond the head it read first and are left for the next run.
 */
export async function verifyChain(repository: AuditRepository, options: VerifyOptions): Promise<ChainVerdict> {
  const chain = options.chain ?? 'main';
  const fromSeq = Math.max(1, options.fromSeq ?? 1);
  const pageSize = options.pageSize ?? 1000;
  const { sources, found, unreadable } = options.checkpoints ?? { sources: [], found: [], unreadable: [] };
  // Read before the head: an append committed after this read has moved the head as well, so only a head moved
  // back leaves entries beyond it.
  const lastSeq = await repository.lastEntrySeq(chain);
  const head = await repository.head(chain);
  const headSeq = head?.seq ?? 0;
  const keyedFrom = head?.keyedFrom ?? null;
  const key = options.key;
  if (!key && (keyedFrom !== null || found.length > 0)) {
    throw new AuditKeyMissingError(
      keyedFrom !== null
        ? `audit chain "${chain}" is keyed from seq ${count(keyedFrom)} on, and there is no key to verify it with`
        : `there are checkpoints of audit chain "${chain}", and no key to verify their signatures with`,
    );
  }
  const toSeq = Math.min(options.toSeq ?? headSeq, headSeq);
  const newest = found.reduce<FoundCheckpoint | null>((best, checkpoint) => (best && best.seq >= checkpoint.seq ? best : checkpoint), null);

  let checked = 0;
  const findings = (): Findings => ({
    chain,
    checked,
    headSeq,
    keyedFrom,
    keyId: key?.id ?? null,
    checkpoints: { sources, read: found.length, newest },
  });
  const broken = (seq: number | null, problem: ChainProblem, detail: string): ChainVerdict => ({
    ...findings(),
    ok: false,
    outcome: 'BROKEN',
    seq,
    problem,
    detail,
  });
  const brokenEntry = (seq: number, problem: keyof typeof DETAIL) => broken(seq, problem, DETAIL[problem]);

  const [unreadableRecord] = unreadable;
  if (unreadableRecord) {
    return broken(null, 'CHECKPOINT_FORGED', `${unreadableRecord.where} is ${unreadableRecord.reason}: the checkpoint store was edited`);
  }
  for (const checkpoint of found) {
    if (isSignedBy(key!, checkpoint)) continue;
    const why =
      checkpoint.keyId === key!.id
        ? 'it was changed after it was signed'
        : `it names key ${checkpoint.keyId}, this is key ${key!.id}: is this the key the API writes with?`;
    return broken(checkpoint.seq, 'CHECKPOINT_FORGED', `${label(checkpoint)} is not signed with this key: ${why} ${whereIs(checkpoint)}`);
  }
  if (lastSeq > headSeq) {
    const detail = `entries up to seq ${count(lastSeq)} are stored beyond the head (seq ${count(headSeq)}): the head was moved back`;
    return broken(headSeq + 1, 'PAST_HEAD', detail);
  }
  if (newest && newest.seq > headSeq) {
    const database = headSeq === 0 ? 'no entries' : `seq ${count(headSeq)}`;
    return broken(
      headSeq + 1,
      'TRUNCATED',
      `${label(newest)} says head seq ${count(newest.seq)} hash ${short(newest.hash)}; the database has ${database}: ` +
        `the newest entries were deleted ${whereIs(newest)}`,
    );
  }
  for (const checkpoint of found) {
    if (checkpoint.keyedFrom === keyedFrom) continue;
    const database = keyedFrom === null ? 'no entry is keyed' : `entries are keyed from seq ${count(keyedFrom)}`;
    return broken(
      checkpoint.seq,
      'CHECKPOINT_CONTRADICTED',
      `${label(checkpoint)} says entries are keyed from seq ${checkpoint.keyedFrom === null ? '(none)' : count(checkpoint.keyedFrom)}; ` +
        `the database says ${database}: entries were rewritten without the key ${whereIs(checkpoint)}`,
    );
  }
  if (fromSeq > toSeq) {
    return { ...findings(), ok: false, outcome: 'NOTHING_VERIFIED', fromSeq, reason: headSeq === 0 ? 'NO_ENTRIES' : 'FROM_PAST_HEAD' };
  }

  const checkpointsAt = new Map<number, FoundCheckpoint[]>();
  for (const checkpoint of found) checkpointsAt.set(checkpoint.seq, [...(checkpointsAt.get(checkpoint.seq) ?? []), checkpoint]);

  // A range check starts from the stored hash of the entry before it; that entry itself is the previous range's job.
  let expectedPrev = GENESIS_HASH;
  if (fromSeq > 1) {
    const before = await repository.entryAt(chain, fromSeq - 1);
    if (!before) return brokenEntry(fromSeq - 1, 'MISSING');
    expectedPrev = String(before.hash);
  }
  let expectedSeq = fromSeq;

  while (expectedSeq <= toSeq) {
    const page = await repository.chainPage(chain, expectedSeq - 1, toSeq, pageSize);
    if (page.length === 0) break;
    const unindexed = await repository.unindexed(chain, page);
    for (const entry of page) {
      if (entry.seq !== expectedSeq) return brokenEntry(expectedSeq, 'MISSING');
      if (entry.prevHash !== expectedPrev) return brokenEntry(expectedSeq, 'PREV_HASH_MISMATCH');
      const keyed = keyedFrom !== null && expectedSeq >= keyedFrom;
      const hash = keyed ? key!.entryHash(expectedPrev, entry) : plainChainHash(expectedPrev, entry);
      if (hash !== entry.hash) return brokenEntry(expectedSeq, 'HASH_MISMATCH');
      if (unindexed.has(expectedSeq)) return brokenEntry(expectedSeq, 'UNINDEXED');
      for (const checkpoint of checkpointsAt.get(expectedSeq) ?? []) {
        if (checkpoint.hash === hash) continue;
        return broken(
          expectedSeq,
          'CHECKPOINT_CONTRADICTED',
          `${label(checkpoint)} says seq ${count(expectedSeq)} has hash ${short(checkpoint.hash)}; the database has ${short(hash)}: ` +
            `entries up to it were rewritten ${whereIs(checkpoint)}`,
        );
      }
      expectedPrev = hash;
      expectedSeq += 1;
      checked += 1;
    }
  }
  if (expectedSeq <= toSeq) return brokenEntry(expectedSeq, 'MISSING');
  if (head && toSeq === headSeq && expectedPrev !== head.hash) return brokenEntry(toSeq, 'HEAD_MISMATCH');
  return { ...findings(), ok: true, outcome: 'INTACT', fromSeq, toSeq };
}

/** For an operator: the outcome on its first line, then how the chain is keyed and what the checkpoints say. */
export function describeVerdict(verdict: ChainVerdict): string {
  const name = `audit chain "${verdict.chain}"`;
  let outcome: string;
  if (verdict.outcome === 'INTACT') {
    outcome = `OK: ${name} intact, ${count(verdict.checked)} entries verified (seq ${count(verdict.fromSeq)}..${count(verdict.toSeq)})`;
  } else if (verdict.outcome === 'BROKEN') {
    const at = verdict.seq === null ? '' : ` at seq ${count(verdict.seq)}`;
    outcome = `BROKEN: ${name}${at}: ${verdict.problem}, ${verdict.detail} (${count(verdict.checked)} entries verified before it)`;
  } else {
    outcome =
      verdict.reason === 'NO_ENTRIES'
        ? `NOTHING VERIFIED: ${name} has no entries (is the --chain name right?)`
        : `NOTHING VERIFIED: ${name}: --from ${count(verdict.fromSeq)} is past its head (seq ${count(verdict.headSeq)})`;
  }
  return [outcome, describeKeying(verdict), describeCheckpoints(verdict)].join('\n');
}

function describeKeying({ keyedFrom, headSeq, keyId }: ChainVerdict): string {
  if (keyedFrom === null || keyedFrom > headSeq) {
    return headSeq === 0
      ? 'Keying: no entries.'
      : 'Keying: no entry is keyed (all were written before the audit key): anyone who can write to Neo4j can rewrite them unnoticed.';
  }
  const plain =
    keyedFrom > 1
      ? `; seq 1..${count(keyedFrom - 1)}, written before it, are plain SHA-256, sealed by the keyed entry after them`
      : '';
  return `Keying: HMAC-SHA256 with key ${keyId} from seq ${count(keyedFrom)} on${plain}.`;
}

function describeCheckpoints({ checkpoints, outcome }: ChainVerdict): string {
  const where = checkpoints.sources.join(', ') || 'no store';
  if (!checkpoints.newest) return `Checkpoints: none in ${where}: entries deleted from the end of the chain would go unnoticed.`;
  const newest = `newest ${label(checkpoints.newest)}, head seq ${count(checkpoints.newest.seq)}`;
  const agree = outcome === 'INTACT' ? '; none contradicts the database' : '';
  return `Checkpoints: ${count(checkpoints.read)} in ${where} (${newest})${agree}.`;
}
