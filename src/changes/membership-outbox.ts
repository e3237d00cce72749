import { v7 as uuidv7 } from 'uuid';
import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import type { Database, Tx } from '../infra/neo4j/database';
import type { Logger } from '../observability/logger';
import type { MembershipChange } from '../kernel/membership-change';

/** Changes decided by a committed transaction, and the outbox entry that keeps them until the feed has them. */
export type OwedChanges = { outboxId: string | null; changes: MembershipChange[] };

/**
 * How long appended entries wait to be removed together: each removal is a write transaction of its own, so at 100 ms
 * nearly every ingest call paid a second one. Far below the relay's grace (30 s by default), so a removal never
 * races the relay; a process that dies in between leaves at most this much to be appended twice (same sequence).
 */
const SETTLE_DELAY_MS = 1_000;

/**
 * The transactional outbox of the membership feed. The feed lives in Redis and is appended after commit, so a
 * process that dies between the two would lose the changes; recorded here in the deciding transaction, they are
 * appended by the relay instead. A crash after the append but before the entry is removed makes the relay append
 * them again: the copies carry the same sequence, so a client recognises them.
 */
export class MembershipOutbox {
  private readonly q;
  private settled: string[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly db: Database,
    registry: CypherRegistry,
    private readonly logger: Logger,
  ) {
    this.q = registry.bind({ record: 'feed/outbox-record', remove: 'feed/outbox-remove', claimStale: 'feed/outbox-claim-stale' });
  }

  async recordIn(tx: Tx, decided: readonly MembershipChange[]): Promise<OwedChanges> {
    const changes = [...decided];
    if (changes.length === 0) return { outboxId: null, changes };
    const outboxId = uuidv7();
    await tx.rows(this.q.record, { id: outboxId, changes: JSON.stringify(changes) });
    return { outboxId, changes };
  }

  /** The feed has them: removed with others shortly, in one transaction. */
  settle(outboxId: string): void {
    this.settled.push(outboxId);
    this.timer ??= setTimeout(() => void this.flush(), SETTLE_DELAY_MS).unref();
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const ids = this.settled;
    this.settled = [];
    if (ids.length === 0) return;
    try {
      await this.db.write((tx) => tx.rows(this.q.remove, { ids }));
    } catch (error) {
      // Left in the outbox: the relay appends them again later, as duplicates with the same sequence.
      this.logger.warn({ err: error, entries: ids.length }, 'could not remove appended membership changes from the outbox');
    }
  }

  /** Entries older than `graceSeconds` (their process stopped before appending), claimed for that long. */
  async claimStale(graceSeconds: number, batch: number): Promise<{ id: string; changes: MembershipChange[] }[]> {
    const rows = await this.db.write((tx) => tx.rows<{ id: string; changes: string }>(this.q.claimStale, { graceSeconds, batch }));
    return rows.map((row) => ({ id: row.id, changes: JSON.parse(row.changes) as MembershipChange[] }));
  }

  async remove(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.db.write((tx) => tx.rows(this.q.remove, { ids }));
  }
}
