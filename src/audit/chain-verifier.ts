import { chainHash, GENESIS_HASH, type ChainedFields } from './audit-entry';
import type { AuditRepository } from './audit.repository';

export type ChainProblem =
  /** The entry's content no longer matches its hash: it was edited. */
  | 'HASH_MISMATCH'
  /** The entry does not link to the one before it: an entry before it was deleted or replaced. */
  | 'PREV_HASH_MISMATCH'
  /** There is no entry with this seq although later ones exist, or the head counts further: it was deleted. */
  | 'MISSING'
  /** The last entry is not the one the chain's head recorded: the newest entries were deleted or replaced. */
  | 'HEAD_MISMATCH';

export type ChainVerdict =
  | { ok: true; chain: string; checked: number; fromSeq: number; toSeq: number }
  | { ok: false; chain: string; checked: number; seq: number; problem: ChainProblem; detail: string };

export type VerifyOptions = {
  chain?: string;
  /** Verify from this seq on (1: the whole chain, anchored at the genesis hash). */
  fromSeq?: number;
  /** Verify up to this seq; by default up to the head as read when verification starts. */
  toSeq?: number;
  pageSize?: number;
};

const DETAIL: Record<ChainProblem, string> = {
  HASH_MISMATCH: 'its content does not match its hash: the entry was edited',
  PREV_HASH_MISMATCH: 'it does not link to the entry before it: an entry was deleted or replaced',
  MISSING: 'no entry has this seq: it was deleted',
  HEAD_MISMATCH: 'the last entry is not the one the chain head recorded: newer entries were deleted or replaced',
};

/**
 * Walks a chain in seq order, a page at a time, and reports the first broken entry. Entries appended while it runs
 * are beyond the head it read first and are left for the next run.
 */
export async function verifyChain(repository: AuditRepository, options: VerifyOptions = {}): Promise<ChainVerdict> {
  const chain = options.chain ?? 'main';
  const fromSeq = Math.max(1, options.fromSeq ?? 1);
  const pageSize = options.pageSize ?? 1000;
  const head = await repository.head(chain);
  const headSeq = head?.seq ?? 0;
  const toSeq = Math.min(options.toSeq ?? headSeq, headSeq);

  let checked = 0;
  const broken = (seq: number, problem: ChainProblem): ChainVerdict => ({ ok: false, chain, checked, seq, problem, detail: DETAIL[problem] });

  // A range check starts from the stored hash of the entry before it; that entry itself is the previous range's job.
  let expectedPrev = GENESIS_HASH;
  if (fromSeq > 1 && fromSeq <= toSeq) {
    const before = await repository.entryAt(chain, fromSeq - 1);
    if (!before) return broken(fromSeq - 1, 'MISSING');
    expectedPrev = String(before.hash);
  }
  let expectedSeq = fromSeq;

  while (expectedSeq <= toSeq) {
    const page = await repository.chainPage(chain, expectedSeq - 1, toSeq, pageSize);
    if (page.length === 0) break;
    for (const entry of page) {
      if (entry.seq !== expectedSeq) return broken(expectedSeq, 'MISSING');
      if (entry.prevHash !== expectedPrev) return broken(expectedSeq, 'PREV_HASH_MISMATCH');
      if (chainHash(String(entry.prevHash), entry as unknown as ChainedFields) !== entry.hash) return broken(expectedSeq, 'HASH_MISMATCH');
      expectedPrev = entry.hash as string;
      expectedSeq += 1;
      checked += 1;
    }
  }
  if (expectedSeq <= toSeq) return broken(expectedSeq, 'MISSING');
  if (head && toSeq === headSeq && checked > 0 && expectedPrev !== head.hash) return broken(toSeq, 'HEAD_MISMATCH');
  return { ok: true, chain, checked, fromSeq, toSeq };
}

/** One line for an operator: OK with the count, or where the chain breaks and what that means. */
export function describeVerdict(verdict: ChainVerdict): string {
  if (verdict.ok) {
    const range = verdict.checked === 0 ? 'no entries' : `seq ${verdict.fromSeq}..${verdict.toSeq}`;
    return `OK: audit chain "${verdict.chain}" intact, ${verdict.checked} entries verified (${range})`;
  }
  return `BROKEN: audit chain "${verdict.chain}" at seq ${verdict.seq}: ${verdict.problem}, ${verdict.detail} (${verdict.checked} entries verified before it)`;
}
