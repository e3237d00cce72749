import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import type { Database } from '../infra/neo4j/database';
import { entriesOfBlock, storedEntry, type StoredBlock } from './audit-block';
import { GENESIS_HASH, toAuditRecord, type ChainedFields, type StoredAuditEntry } from './audit-entry';
import type { AuditKey } from './audit-key';
import { hashBatch, type PendingEntry } from './chain-batch';

/** keyedFrom: the first seq hashed with the audit key; null on a head no keyed writer has touched yet. */
export type ChainHead = { seq: number; hash: string; keyedFrom: number | null };

/** One entry as customer-log.cypher and entries-for-customers.cypher read it from its block (not its hashes). */
type EntryRow = { seq: number; customerId: unknown; read: unknown; fields: unknown };

/** Stored entries: appended to a chain a flush per transaction, in blocks (see audit-block.ts), read by customer or in chain order. */
export class AuditRepository {
  private readonly q;

  constructor(
    private readonly db: Database,
    registry: CypherRegistry,
  ) {
    this.q = registry.bind({
      lockHead: 'audit/lock-chain-head',
      append: 'audit/append-entries',
      head: 'audit/chain-head',
      lastEntrySeq: 'audit/last-entry-seq',
      page: 'audit/chain-page',
      entryAt: 'audit/entry-at',
      customerLog: 'audit/customer-log',
      entriesForCustomers: 'audit/entries-for-customers',
      unindexed: 'audit/unindexed-entries',
    });
  }

  /**
   * Appends entries after the chain's head in one transaction, hashed after `after` (the head this writer last
   * committed): one statement locks the head, checks it is still there, creates every entry and moves the head. When
   * another API instance moved it meanwhile (or there is none yet), the head is read under that lock and the entries
   * are hashed again after it: writers in several instances take turns and each flush continues exactly where the
   * last committed one ended. Every entry appended is keyed: the head's keyedFrom is at or before the first of them.
   */
  async append(chain: string, entries: readonly PendingEntry[], key: AuditKey, after: ChainHead | null): Promise<ChainHead> {
    return this.db.write(async (tx) => {
      if (after) {
        const [moved] = await tx.rows<ChainHead>(this.q.append, await hashBatch(chain, entries, key, after));
        if (moved) return moved;
      }
      const [head] = await tx.rows<ChainHead>(this.q.lockHead, { chain, genesis: GENESIS_HASH });
      const [moved] = await tx.rows<ChainHead>(this.q.append, await hashBatch(chain, entries, key, head));
      if (!moved) throw new Error(`audit chain "${chain}": the head locked at seq ${head.seq} was not found again in the same transaction`);
      return moved;
    });
  }

  async head(chain: string): Promise<ChainHead | null> {
    const [head] = await this.db.read<ChainHead>(this.q.head, { chain });
    return head ?? null;
  }

  /** The highest seq stored in the chain, or 0. */
  async lastEntrySeq(chain: string): Promise<number> {
    const [row] = await this.db.read<{ seq: number }>(this.q.lastEntrySeq, { chain });
    return row?.seq ?? 0;
  }

  /**
   * Raw stored values, in seq order, for verification: nothing is defaulted, so nothing is hidden. The entries after
   * `after`, up to `to`, from the blocks that hold the next `limit` of them (the last block may hold more).
   */
  async chainPage(chain: string, after: number, to: number, limit: number): Promise<StoredAuditEntry[]> {
    const upTo = Math.min(to, after + limit);
    const rows = await this.db.read<{ block: StoredBlock }>(this.q.page, { chain, after, upTo });
    return rows.flatMap((row) => entriesOfBlock(row.block)).filter((entry) => entry.seq > after && entry.seq <= to);
  }

  async entryAt(chain: string, seq: number): Promise<StoredAuditEntry | null> {
    const [row] = await this.db.read<{ block: StoredBlock }>(this.q.entryAt, { chain, seq });
    return (row && entriesOfBlock(row.block).find((entry) => entry.seq === seq)) ?? null;
  }

  /**
   * The seqs of these entries that name a customer and that the customer's log cannot find (see
   * unindexed-entries.cypher).
   */
  async unindexed(chain: string, entries: readonly StoredAuditEntry[]): Promise<Set<number>> {
    const named = entries.filter((entry) => typeof entry.customerId === 'string').map((entry) => [entry.customerId, entry.seq]);
    if (named.length === 0) return new Set();
    const rows = await this.db.read<{ seq: number }>(this.q.unindexed, { chain, entries: named });
    return new Set(rows.map((row) => row.seq));
  }

  /** One customer's entries, newest first, with seq below `before`. */
  async customerLog(chain: string, customerId: string, before: number, limit: number): Promise<ChainedFields[]> {
    const rows = await this.db.read<EntryRow>(this.q.customerLog, { chain, customerId, before, limit });
    return rows.map((row) => toAuditRecord(storedEntry(chain, row.seq, row)));
  }

  async entriesForCustomers(chain: string, customerIds: readonly string[]): Promise<ChainedFields[]> {
    if (customerIds.length === 0) return [];
    const rows = await this.db.read<EntryRow>(this.q.entriesForCustomers, { chain, customerIds });
    return rows.map((row) => toAuditRecord(storedEntry(chain, row.seq, row)));
  }
}
