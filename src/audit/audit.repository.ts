import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import type { Database } from '../infra/neo4j/database';
import { GENESIS_HASH, toAuditRecord, type AuditRecord, type ChainedFields, type StoredAuditEntry } from './audit-entry';
import type { AuditKey } from './audit-key';

/** keyedFrom: the first seq hashed with the audit key; null on a head no keyed writer has touched yet. */
export type ChainHead = { seq: number; hash: string; keyedFrom: number | null };

/** Entries per append statement: about 2 ms of hashing and packing on the event loop (measured). */
const STATEMENT_ROWS = 100;

/** Stored entries: appended to a chain a batch per transaction, read by customer or in chain order. */
export class AuditRepository {
  private readonly q;

  constructor(
    private readonly db: Database,
    registry: CypherRegistry,
  ) {
    this.q = registry.bind({
      lockHead: 'audit/lock-chain-head',
      append: 'audit/append-entries',
      advanceHead: 'audit/advance-chain-head',
      head: 'audit/chain-head',
      lastEntrySeq: 'audit/last-entry-seq',
      page: 'audit/chain-page',
      entryAt: 'audit/entry-at',
      customerLog: 'audit/customer-log',
      entriesForCustomers: 'audit/entries-for-customers',
    });
  }

  /**
   * Appends entries after the chain's head in one transaction: the head is locked first, so writers in several
   * API instances take turns and each batch continues exactly where the last committed one ended. Entries go in
   * statements of STATEMENT_ROWS, each hashed and packed just before it is sent: the event loop, which serves
   * requests meanwhile, is never held for a whole batch. Every entry appended is keyed: the head's keyedFrom is at
   * or before the first of them.
   */
  async append(chain: string, entries: Omit<ChainedFields, 'chain' | 'seq'>[], key: AuditKey): Promise<ChainHead> {
    return this.db.write(async (tx) => {
      const [head] = await tx.rows<ChainHead>(this.q.lockHead, { chain, genesis: GENESIS_HASH });
      let { seq, hash } = head;
      for (let start = 0; start < entries.length; start += STATEMENT_ROWS) {
        const rows = entries.slice(start, start + STATEMENT_ROWS).map((entry) => {
          seq += 1;
          const fields: ChainedFields = { ...entry, chain, seq };
          const prevHash = hash;
          hash = key.entryHash(prevHash, fields);
          // The layout append-entries.cypher reads.
          return [
            seq, prevHash, hash, fields.at.getTime(), fields.subject, fields.roles, fields.fields, fields.customerId,
            fields.purpose, fields.decision, fields.reason, fields.requestId, fields.channel,
          ];
        });
        await tx.rows(this.q.append, { chain, entries: rows });
      }
      await tx.rows(this.q.advanceHead, { chain, seq, hash });
      return { seq, hash, keyedFrom: head.keyedFrom };
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
