import type { StoredAuditEntry, StoredChainedFields } from './audit-entry';

/**
 * How the chain is stored: consecutive entries in blocks of at most this many, one (:AuditBlock) node each, the
 * entries as parallel lists, plus one small (:AuditCustomerEntry) node per entry that names a customer, which is how
 * a customer's log finds them. An entry as a node of its own, with every field and two indexed keys, cost Neo4j about
 * 56 µs of CPU; in a block with its lookup node about 16 µs, most of it the lookup node (CPU of Neo4j's threads over
 * flushes of 10,000 entries). A block is loaded whole when one of its entries is read for a customer's log or an
 * export: at 1,000 entries such reads cost Neo4j 3 to 4 times the CPU they cost at 100, and writing was no cheaper.
 */
export const BLOCK_ENTRIES = 100;

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
 * The entry at position `i` of a block, from the stored values of that position (see AuditBlock), its JSON as
 * stored. Values that are null or missing are left out, as Neo4j leaves out the properties it stores no value for.
 */
export const storedEntry = (
  chain: string,
  seq: number,
  row: { prevHash?: unknown; hash?: unknown; customerId: unknown; read: unknown; fields: unknown },
): StoredAuditEntry => entryOf(chain, seq, { ...row, read: parse(row.read), fields: parse(row.fields) });

/** storedEntry of JSON already parsed. */
function entryOf(
  chain: string,
  seq: number,
  row: { prevHash?: unknown; hash?: unknown; customerId: unknown; read: unknown; fields: unknown },
): StoredAuditEntry {
  const [at, subject, roles, purpose, decision, reason, requestId, channel] = Array.isArray(row.read) ? row.read : [row.read];
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
    fields: row.fields,
    customerId: row.customerId === '' ? null : row.customerId,
  };
  for (const [name, value] of Object.entries(values)) if (value === null || value === undefined) delete values[name];
  return values as StoredAuditEntry;
}

/** Every entry of a stored block, in seq order: as many as it has hashes. Each JSON of the block is parsed once. */
export function entriesOfBlock(block: StoredBlock): StoredAuditEntry[] {
  const hashes = block.hashes ?? [];
  const at = <T>(list: T[] | undefined, i: number | undefined) => (list && i !== undefined ? list[i] : undefined);
  const parsedOnce = (list: unknown[] | undefined) => {
    const parsed = new Map<number, unknown>();
    return (i: number | undefined) => {
      if (i === undefined || !list) return undefined;
      if (!parsed.has(i)) parsed.set(i, parse(list[i]));
      return parsed.get(i);
    };
  };
  const readAt = parsedOnce(block.reads);
  const fieldsAt = parsedOnce(block.fieldSets);
  return hashes.map((hash, i) =>
    entryOf(block.chain, block.firstSeq + i, {
      prevHash: i === 0 ? block.prevHash : hashes[i - 1],
      hash,
      customerId: at(block.customerIds, i),
      read: readAt(at(block.readOf, i)),
      fields: fieldsAt(at(block.fieldSet, i)),
    }),
  );
}
