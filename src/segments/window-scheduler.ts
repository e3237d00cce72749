import type { ChangePublisher } from '../changes/change-publisher';
import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import type { Database } from '../infra/neo4j/database';
import type { Logger } from '../observability/logger';
import type { MembershipChange } from '../kernel/membership-change';
import type { SegmentEvaluator } from './segment-evaluator';

export type WindowSettings = { batch: number; maxSleepMs: number };

/** Rounds of due rechecks one wake-up works through before it lets the timer take over again. */
const MAX_ROUNDS = 1000;

/**
 * Time-driven membership: a customer whose events age out of a window (or whose last visit becomes long enough ago)
 * changes membership with no new event. Every evaluation stores, per customer and segment, the next instant at
 * which time alone may change the answer (RECHECK.at); the window job (a background job's tick, `tick`) re-evaluates
 * what is due and publishes the changes, then sleeps until the earliest next one (`untilNext`), at most maxSleepMs
 * (for rechecks other instances wrote).
 */
export class WindowScheduler {
  private readonly q;

  constructor(
    private readonly db: Database,
    registry: CypherRegistry,
    private readonly evaluator: SegmentEvaluator,
    private readonly changes: ChangePublisher,
    private readonly logger: Logger,
    private readonly settings: WindowSettings,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.q = registry.bind({ due: 'segments/due-rechecks', next: 'segments/next-recheck' });
  }

  /** Re-evaluates every membership due by the clock's now, publishing each batch after it commits. */
  async runDue(): Promise<MembershipChange[]> {
    const all: MembershipChange[] = [];
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const now = this.clock().getTime();
      const changes = await this.db.write(async (tx) => {
        const due = await tx.rows<{ segmentId: string; customerIds: string[] }>(this.q.due, { now, batch: this.settings.batch });
        const decided: MembershipChange[] = [];
        for (const { segmentId, customerIds } of due) decided.push(...(await this.evaluator.evaluateSegmentIn(tx, segmentId, customerIds)));
        return due.length === 0 ? null : this.changes.oweMemberships(tx, decided);
      });
      if (changes === null) break;
      await this.changes.publishMemberships(changes);
      all.push(...changes.changes);
    }
    return all;
  }

  /** The window job's tick. */
  async tick(): Promise<void> {
    const changes = await this.runDue();
    if (changes.length > 0) this.logger.info({ changes: changes.length }, 'segment windows passed');
  }

  /** Milliseconds until the earliest recheck, within [10 ms, maxSleepMs]. */
  async untilNext(): Promise<number> {
    const [next] = await this.db.read<{ at: number }>(this.q.next);
    const delay = next ? next.at - this.clock().getTime() : this.settings.maxSleepMs;
    return Math.max(10, Math.min(delay, this.settings.maxSleepMs));
  }
}
