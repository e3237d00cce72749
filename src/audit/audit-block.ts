import type { StoredAuditEntry, StoredChainedFields } from './audit-entry';

/**
 * How the chain is stored: consecutive entries in blocks of at most this many, one (:AuditBlock) node each, the
 * entries as parallel lists. Neo4j spent about 45 µs creating an entry as a node of 14 properties with two indexed
 * keys, and about 2 µs appending it to a block's lists (measured with JFR and per-thread CPU): the node per entry
 * was the whole cost of the audit writer. A block is loaded whole when one of its entries is read (a customer's log),
 * which is what bounds it: 1,000 entries are about 100 KB.
 */
export const BLOCK_ENTRIES = 1000;

/**
 * One block as append-entries.cypher writes it and as it is stored. Each entry is its position `i`: seq
 * `firstSeq + i`, its own hash `hashes[i]` (its prevHash is `hashes[i - 1]`, or `prevHash` for the first), its
 * customer (`''` for none: Neo4j lists hold no nulls), its field set `fieldSets[fieldSet[i]]` and what its read
 * shares `reads[readOf[i]]`, both JSON (see readJson). What a read's entries share is thus stored once per block, not
 * once per entry.
 */
export type AuditBlock = {
  firstSeq: number;
  prevHash: string;
  hashes: string[];
  customerIds: string[];
  fieldSets: string[];
  fieldSet: number[];
  reads: string[];
  readOf: number[];
};

/** A block as Neo4j returns it; anything may be missing or mangled when someone edited it behind the API's back. */
export type StoredBlock = Partial<AuditBlock> & { chain: string; firstSeq: number };

/** What the entries of one read share, in the order canonicalJson hashes them (at as ISO 8601, UTC). */
type ReadValues = Pick<StoredChainedFields, 'at' | 'subject' | 'roles' | 'purpose' | 'decision' | 'reason' | 'requestId' | 'channel'>;

const isoOf = (at: unknown) => (at instanceof Date ? at.toISOString() : at);
const orNull = (value: unknown) => (value === undefined ? null : value);

/**
 * The shared part of an entry as stored in a block, as JSON: exactly the values canonicalJson hashes (absent ones
 * as null, which canonicalJson makes of them too), so an entry read back hashes to the same bytes.
 */
export const readJson = (read: ReadValues): string =>
  JSON.stringify([isoOf(read.at), read.subject, orNull(read.roles), orNull(read.purpose), read.decision, orNull(read.reason), read.requestId, read.channel]);

/** An entry's fields as stored in a block's fieldSets (absent ones as null, as canonicalJson hashes them). */
export const fieldsJson = (fields: readonly string[] | undefined): string => JSON.stringify(fields ?? null);

/**
 * Lays consecutive chained entries out in blocks: a new block when one is full, and, for entries stored one node
 * each before blocks (see the audit-blocks migration), wherever the stored chain does not continue (a seq missing, a
 * prevHash that is not the hash before it), so that each stored value is kept as it was, broken links included.
 */
export class BlockLayout {
  readonly blocks: AuditBlock[] = [];
  private block: AuditBlock | null = null;
  private reads = new Map<string, number>();
  private fieldSets = new Map<string, number>();

  add(seq: number, prevHash: string | undefined, hash: string, read: string, fields: string, customerId: string | null): void {
    let block = this.block;
    const continues =
      block !== null &&
      block.hashes.length < BLOCK_ENTRIES &&
      seq === block.firstSeq + block.hashes.length &&
      prevHash === block.hashes[block.hashes.length - 1];
    if (!continues) {
      // An absent prevHash stays absent: a block without one (Neo4j stores no null).
      block = { firstSeq: seq, prevHash: prevHash as string, hashes: [], customerIds: [], fieldSets: [], fieldSet: [], reads: [], readOf: [] };
      this.blocks.push(block);
      this.block = block;
      this.reads.clear();
      this.fieldSets.clear();
    }
    block!.hashes.push(hash);
    block!.customerIds.push(customerId ?? '');
    block!.fieldSet.push(indexIn(block!.fieldSets, this.fieldSets, fields));
    block!.readOf.push(indexIn(block!.reads, this.reads, read));
  }
}

function indexIn(list: string[], index: Map<string, number>, value: string): number {
  let at = index.get(value);
  if (at === undefined) {
    at = list.length;
    list.push(value);
    index.set(value, at);
  }
  return at;
}

const parse = (json: unknown): unknown => {
  if (typeof json !== 'string') return json;
  try {
    return JSON.parse(json);
  } catch {
    // Not JSON any more: kept as it is, so that it hashes to something else and the entry shows as edited.
    return json;
  }
};

/** The ISO time written back as a Date, unless it is not one this writer made: then as stored, to hash as stored. */
const atOf = (at: unknown): Date | unknown => {
  if (typeof at !== 'string') return at;
  const date = new Date(at);
  return !Number.isNaN(date.getTime()) && date.toISOString() === at ? date : at;
};

/**
 * The entry at position `i` of a block, from the stored values of that position (see AuditBlock). Values that are
 * null or missing are left out, as Neo4j leaves out the properties of a node it stores no value for.
 */
export function storedEntry(
  chain: string,
  seq: number,
  row: { prevHash: unknown; hash: unknown; customerId: unknown; read: unknown; fields: unknown },
): StoredAuditEntry {
  const read = parse(row.read);
  const [at, subject, roles, purpose, decision, reason, requestId, channel] = Array.isArray(read) ? read : [read];
  const values: Record<string, unknown> = {
    chain,
    seq,
    prevHash: row.prevHash,
    hash: row.hash,
    at: atOf(at),
    subject,
    roles,
    purpose,
    decision,
    reason,
    requestId,
    channel,
    fields: parse(row.fields),
    customerId: row.customerId === '' ? null : row.customerId,
  };
  for (const [name, value] of Object.entries(values)) if (value === null || value === undefined) delete values[name];
  return values as StoredAuditEntry;
}

/** Every entry of a stored block, in seq order: as many as it has hashes. */
export function entriesOfBlock(block: StoredBlock): StoredAuditEntry[] {
  const hashes = block.hashes ?? [];
  const at = <T>(list: T[] | undefined, i: number | undefined) => (list && i !== undefined ? list[i] : undefined);
  return hashes.map((hash, i) =>
    storedEntry(block.chain, block.firstSeq + i, {
      prevHash: i === 0 ? block.prevHash : hashes[i - 1],
      hash,
      customerId: at(block.customerIds, i),
      read: at(block.reads, at(block.readOf, i)),
      fields: at(block.fieldSets, at(block.fieldSet, i)),
    }),
  );
}
