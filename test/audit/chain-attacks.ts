import { BlockLayout, entriesOfBlock, fieldsJson, readJson, type StoredBlock } from '../../src/audit/audit-block';
import type { StoredAuditEntry } from '../../src/audit/audit-entry';
import type { Database } from '../../src/infra/neo4j/database';

/**
 * What someone with write access to Neo4j, but not the audit key, could do behind the API's back: read a chain's
 * blocks, change entries, and store them again as blocks, laid out as the API lays them out. These statements are the
 * attacker's, so they are deliberately not in the app's registry.
 */
const STATEMENTS = {
  blocks: 'MATCH (b:AuditBlock {chain: $chain}) RETURN b {.*} AS block ORDER BY b.firstSeq',
  deleteBlocks: 'MATCH (b:AuditBlock {chain: $chain}) DELETE b',
  createBlocks:
    'UNWIND $blocks AS b CREATE (x:AuditBlock) SET x = b, x.chain = $chain, x.firstSeq = toInteger(b.firstSeq), ' +
    'x.fieldSet = [i IN b.fieldSet | toInteger(i)], x.readOf = [i IN b.readOf | toInteger(i)]',
  removeLookup: 'MATCH (e:AuditCustomerEntry {chain: $chain, seq: toInteger($seq)}) DELETE e',
  moveLookup: 'MATCH (e:AuditCustomerEntry {chain: $chain, seq: toInteger($seq)}) SET e.customerId = $customerId',
  moveHead: 'MATCH (h:AuditChain {id: $chain}) SET h.seq = toInteger($seq), h.hash = $hash',
  unkey: 'MATCH (h:AuditChain {id: $chain}) REMOVE h.keyedFrom',
  deleteHead: 'MATCH (h:AuditChain {id: $chain}) DELETE h',
};

export type Entry = StoredAuditEntry;

export function chainAttacks(db: Database) {
  const run = <T>(statement: string, params: Record<string, unknown>) => db.write((tx) => tx.rows<T>(statement, params));

  /** Every entry of the chain as stored, in seq order. */
  const entries = async (chain: string): Promise<Entry[]> =>
    (await run<{ block: StoredBlock }>(STATEMENTS.blocks, { chain })).flatMap((row) => entriesOfBlock(row.block));

  /** Stores `list` as the chain's entries, in blocks as the API lays them out (a new block wherever the chain breaks). */
  async function store(chain: string, list: Entry[]) {
    const layout = new BlockLayout();
    for (const entry of [...list].sort((a, b) => a.seq - b.seq)) {
      layout.add(entry.seq, entry.prevHash, entry.hash, readJson(entry), fieldsJson(entry.fields), entry.customerId ?? null);
    }
    await run(STATEMENTS.deleteBlocks, { chain });
    await run(STATEMENTS.createBlocks, { chain, blocks: layout.blocks });
  }

  /** Changes the entries `edit` returns a new version of (undefined: unchanged, null: deleted). */
  async function edit(chain: string, change: (entry: Entry) => Entry | null | undefined) {
    const edited = (await entries(chain)).flatMap((entry) => {
      const result = change(entry);
      return result === null ? [] : [result ?? entry];
    });
    await store(chain, edited);
  }

  return {
    entries,
    /** The entries from `from` on. */
    entriesFrom: async (chain: string, from: number) => (await entries(chain)).filter((entry) => entry.seq >= from),
    edit,
    setPurpose: (chain: string, seq: number, purpose: string | null | undefined) =>
      edit(chain, (entry) => (entry.seq === seq ? { ...entry, purpose } : undefined)),
    /** The entry at `seq` with another purpose, prevHash and hash, as an attacker recomputes them. */
    rewrite: (chain: string, seq: number, changes: Pick<Entry, 'purpose' | 'prevHash' | 'hash'>) =>
      edit(chain, (entry) => (entry.seq === seq ? { ...entry, ...changes } : undefined)),
    remove: (chain: string, seq: number) => edit(chain, (entry) => (entry.seq === seq ? null : undefined)),
    removeFrom: (chain: string, from: number) => edit(chain, (entry) => (entry.seq >= from ? null : undefined)),
    restore: async (chain: string, entry: Entry) => store(chain, [...(await entries(chain)), entry]),
    /** Deletes the node by which the customer's log finds the entry at `seq`. */
    removeLookup: (chain: string, seq: number) => run(STATEMENTS.removeLookup, { chain, seq }),
    /** Makes the node by which the entry at `seq` is found name another customer. */
    moveLookup: (chain: string, seq: number, customerId: string) => run(STATEMENTS.moveLookup, { chain, seq, customerId }),
    moveHead: (chain: string, seq: number, hash: string) => run(STATEMENTS.moveHead, { chain, seq, hash }),
    unkey: (chain: string) => run(STATEMENTS.unkey, { chain }),
    deleteHead: (chain: string) => run(STATEMENTS.deleteHead, { chain }),
  };
}
