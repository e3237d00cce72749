import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import type { Database } from '../infra/neo4j/database';
import { GENESIS_HASH, toAuditRecord, type AuditRecord, type StoredAuditEntry } from './audit-entry';
import type { AuditKey } from './audit-key';
import { hashBatch, type PendingEntry } from './chain-batch';

/** keyedFrom: the first seq hashed with the audit key; null on a head no keyed writer has touched yet. */
export type ChainHead = { seq: number; hash: string; keyedFrom: number | null };

/** Stored entries: appended to a chain a flush per transaction, read by customer or in chain order. */
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

  /** Raw stored properties, in seq order, for verification: nothing is defaulted, so nothing is hidden. */
  async chainPage(chain: string, after: number, to: number, limit: number): Promise<StoredAuditEntry[]> {
    const rows = await this.db.read<{ entry: StoredAuditEntry }>(this.q.page, { chain, after, to, limit });
    return rows.map((row) => row.entry);
  }

  async entryAt(chain: string, seq: number): Promise<StoredAuditEntry | null> {
    const [row] = await this.db.read<{ entry: StoredAuditEntry }>(this.q.entryAt, { chain, seq });
    return row?.entry ?? null;
  }

  /** One customer's entries, newest first, with seq below `before`. */
  async customerLog(chain: string, customerId: string, before: number, limit: number): Promise<AuditRecord[]> {
    const rows = await this.db.read<{ entry: StoredAuditEntry }>(this.q.customerLog, { chain, customerId, before, limit });
    return rows.map((row) => toAuditRecord(row.entry));
  }

  async entriesForCustomers(chain: string, customerIds: readonly string[]): Promise<AuditRecord[]> {
    if (customerIds.length === 0) return [];
    const rows = await this.db.read<{ entry: StoredAuditEntry }>(this.q.entriesForCustomers, { chain, customerIds });
    return rows.map((row) => toAuditRecord(row.entry));
  }
}
