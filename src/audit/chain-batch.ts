import { setImmediate as yieldToRequests } from 'node:timers/promises';
import { BlockLayout, fieldsJson, readJson, type AuditBlock } from './audit-block';
import { CanonicalJsonOfRead, type ChainedFields } from './audit-entry';
import type { AuditKey } from './audit-key';

export type PendingEntry = Omit<ChainedFields, 'chain' | 'seq'>;

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
const HASHED_PER_TURN = 1000;

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
 * Numbers and hashes `entries` after the head (seq, hash), in the order they were recorded, each entry's hash
 * covering the one before it: the same chain as entry-by-entry hashing (canonicalJson, AuditKey.entryHash) gives.
 * What the entries of a read share is turned into JSON once per read, for the hash and for the block alike.
 */
export async function hashBatch(chain: string, entries: readonly PendingEntry[], key: AuditKey, after: { seq: number; hash: string }): Promise<ChainBatch> {
  const layout = new BlockLayout();
  const fieldsJsonOf = new Map<string, string>();
  let seq = after.seq;
  let hash = after.hash;
  let canonical: CanonicalJsonOfRead | null = null;
  let read = '';
  for (let i = 0; i < entries.length; i++) {
    if (i > 0 && i % HASHED_PER_TURN === 0) await yieldToRequests();
    const entry = entries[i];
    if (!canonical || !sameRead(entries[i - 1], entry)) {
      canonical = new CanonicalJsonOfRead(chain, entry);
      read = readJson(entry);
    }
    const fieldsKey = entry.fields.join('\n');
    let fields = fieldsJsonOf.get(fieldsKey);
    if (fields === undefined) {
      fields = fieldsJson(entry.fields);
      fieldsJsonOf.set(fieldsKey, fields);
    }
    const prevHash = hash;
    seq += 1;
    hash = key.entryHashOfJson(prevHash, canonical.of(seq, fields, entry.customerId));
    layout.add(seq, prevHash, hash, read, fields, entry.customerId);
  }
  return { chain, blocks: layout.blocks, afterSeq: after.seq, afterHash: after.hash, seq, hash };
}
