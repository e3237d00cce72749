import { setImmediate as yieldToRequests } from 'node:timers/promises';
import { BlockLayout, fieldsJson, readJson, type AuditBlock } from './audit-block';
import { CanonicalJsonOfRead, type ChainedFields } from './audit-entry';
import type { AuditKey } from './audit-key';

/** An entry's place in the chain, computed when it was recorded: its seq, hash, the hash before it and its JSON. */
export type ChainedAt = { seq: number; prevHash: string; hash: string; read: string; fields: string };

export type PendingEntry = Omit<ChainedFields, 'chain' | 'seq'> & {
  /** Set when the entry was hashed as it was recorded (see ChainHasher); valid only if the chain continued so. */
  chained?: ChainedAt;
};

/** One flush, hashed after a head: the parameters of append-entries.cypher and the head it leaves. */
export type ChainBatch = {
  chain: string;
  blocks: AuditBlock[];
  afterSeq: number;
  afterHash: string;
  seq: number;
  hash: string;
};

/** Entries hashed between two turns of the event loop: about 2 ms (HMAC and JSON, measured ~2 µs an entry). */
export const HASHED_PER_TURN = 1000;

/** The entries of one read (same request, reader, time, purpose, decision and channel) share all but customer and fields. */
const sameRead = (a: PendingEntry, b: PendingEntry) =>
  a.at.getTime() === b.at.getTime() &&
  a.requestId === b.requestId &&
  a.subject === b.subject &&
  a.purpose === b.purpose &&
  a.decision === b.decision &&
  a.reason === b.reason &&
  a.channel === b.channel &&
  (a.roles === b.roles || (a.roles.length === b.roles.length && a.roles.every((role, i) => role === b.roles[i])));

/**
 * Numbers and hashes entries one after another after a head, each entry's hash covering the one before it: the same
 * chain as entry-by-entry hashing (canonicalJson, AuditKey.entryHash) gives. What the entries of a read share is
 * turned into JSON once per read, for the hash and for the block alike.
 */
export class ChainHasher {
  private last: PendingEntry | null = null;
  private canonical: CanonicalJsonOfRead | null = null;
  private read = '';
  private readonly fieldsJsonOf = new Map<string, string>();

  constructor(
    private readonly chain: string,
    private readonly key: AuditKey,
    private seq: number,
    private hash: string,
  ) {}

  /** The head after the last entry hashed. */
  get head(): { seq: number; hash: string } {
    return { seq: this.seq, hash: this.hash };
  }

  next(entry: PendingEntry): ChainedAt {
    if (!this.canonical || !this.last || !sameRead(this.last, entry)) {
      this.canonical = new CanonicalJsonOfRead(this.chain, entry);
      this.read = readJson(entry);
    }
    this.last = entry;
    const fieldsKey = entry.fields.join('\n');
    let fields = this.fieldsJsonOf.get(fieldsKey);
    if (fields === undefined) {
      // Field sets are few (the fields a query selects); a caller that made up thousands would only cost the cache.
      if (this.fieldsJsonOf.size >= 1000) this.fieldsJsonOf.clear();
      fields = fieldsJson(entry.fields);
      this.fieldsJsonOf.set(fieldsKey, fields);
    }
    const prevHash = this.hash;
    this.seq += 1;
    this.hash = this.key.entryHashOfJson(prevHash, this.canonical.of(this.seq, fields, entry.customerId));
    return { seq: this.seq, prevHash, hash: this.hash, read: this.read, fields };
  }
}

/** The entries were hashed as they were recorded, one after another, starting right after `after`. */
function chainedAfter(entries: readonly PendingEntry[], after: { seq: number; hash: string }): boolean {
  let { seq, hash } = after;
  for (const { chained } of entries) {
    if (!chained || chained.seq !== seq + 1 || chained.prevHash !== hash) return false;
    ({ seq, hash } = chained);
  }
  return true;
}

/**
 * The batch of `entries` after the head (seq, hash), in the order they were recorded: with the hashes they got when
 * they were recorded if those continue from this head, else hashed now, in turns between which requests are served.
 */
export async function hashBatch(chain: string, entries: readonly PendingEntry[], key: AuditKey, after: { seq: number; hash: string }): Promise<ChainBatch> {
  const layout = new BlockLayout();
  const add = (entry: PendingEntry, at: ChainedAt) => layout.add(at.seq, at.prevHash, at.hash, at.read, at.fields, entry.customerId);
  let head = after;
  if (chainedAfter(entries, after)) {
    for (const entry of entries) add(entry, entry.chained!);
    if (entries.length > 0) head = entries[entries.length - 1].chained!;
  } else {
    const hasher = new ChainHasher(chain, key, after.seq, after.hash);
    for (let i = 0; i < entries.length; i++) {
      if (i > 0 && i % HASHED_PER_TURN === 0) await yieldToRequests();
      add(entries[i], hasher.next(entries[i]));
    }
    head = hasher.head;
  }
  return { chain, blocks: layout.blocks, afterSeq: after.seq, afterHash: after.hash, seq: head.seq, hash: head.hash };
}
