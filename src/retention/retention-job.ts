import type { RetentionSettings } from '../config/config';
import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import type { Logger } from '../observability/logger';
import type { MembershipChange } from '../kernel/membership-change';
import type { UnitOfWork } from '../writes/unit-of-work';

export const DATA_CLASSES = ['ANONYMOUS_PROFILE', 'SOURCE_RECORD', 'DEAD_LETTER'] as const;
export type DataClass = (typeof DATA_CLASSES)[number];

export type RetentionReport = { dataClass: DataClass; removed: number; cutoff: string }[];

const DAY_MS = 24 * 60 * 60 * 1000;
const EPOCH_START = new Date(0).toISOString();

/** As dead-letters/record.cypher builds sortKey: creation time in epoch milliseconds, zero-padded to 15 digits. */
const sortKeyBefore = (cutoff: Date) => String(cutoff.getTime()).padStart(15, '0');

/**
 * Removes what is past its retention window, class by class, in batches of one transaction each, so a large
 * backlog never becomes one huge transaction. The clock is injected: tests decide what "now" is.
 */
export class RetentionJob {
  private readonly q;

  constructor(
    /** Memberships of removed profiles end: each reported as EXITED in its batch's transaction, published after commit. */
    private readonly writes: UnitOfWork,
    registry: CypherRegistry,
    private readonly settings: RetentionSettings,
    /** Identifier types that name no person (ANONYMOUS_ID, DEVICE_ID, configured ones with person false). */
    private readonly anonymousTypes: readonly string[],
    private readonly logger: Logger,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.q = registry.bind({
      anonymousProfiles: 'retention/anonymous-profiles',
      sourceRecords: 'retention/source-records',
      deadLetters: 'retention/dead-letters',
    });
  }

  /** Whether any class has a window; with none, scheduling it would only cost queries. */
  get enabled(): boolean {
    const { anonymousProfileDays, sourceRecordDays, deadLetterDays } = this.settings;
    return anonymousProfileDays > 0 || sourceRecordDays > 0 || deadLetterDays > 0;
  }

  async run(): Promise<RetentionReport> {
    const now = this.clock().getTime();
    const cutoff = (days: number) => new Date(now - days * DAY_MS);
    const windows: [DataClass, number, (cutoff: Date) => Promise<number>][] = [
      ['ANONYMOUS_PROFILE', this.settings.anonymousProfileDays, (c) => this.removeAnonymousProfiles(c)],
      ['SOURCE_RECORD', this.settings.sourceRecordDays, (c) => this.removeWhileFull(this.q.sourceRecords, { cutoff: c.toISOString() })],
      ['DEAD_LETTER', this.settings.deadLetterDays, (c) => this.removeWhileFull(this.q.deadLetters, { cutoffSortKey: sortKeyBefore(c) })],
    ];
    const report: RetentionReport = [];
    for (const [dataClass, days, remove] of windows) {
      if (days <= 0) continue;
      const before = cutoff(days);
      report.push({ dataClass, removed: await remove(before), cutoff: before.toISOString() });
    }
    this.logger.info({ retention: report }, 'retention applied');
    return report;
  }

  private async removeWhileFull(query: string, params: Record<string, unknown>): Promise<number> {
    let total = 0;
    for (;;) {
      const [{ removed }] = await this.writes.run((tx) => tx.rows<{ removed: number }>(query, { ...params, batch: this.settings.batchSize }));
      total += removed;
      if (removed < this.settings.batchSize) return total;
    }
  }

  private async removeAnonymousProfiles(cutoff: Date): Promise<number> {
    let total = 0;
    let after = { afterAt: EPOCH_START, afterId: '' };
    for (;;) {
      const at = this.clock().toISOString();
      const row = await this.writes.run(async (tx, effects) => {
        const [row] = await tx.rows<{
          scanned: number;
          removed: number;
          exited: { customerId: string; sequence: number; segmentIds: string[] }[];
          lastAt: Date | null;
          lastId: string | null;
        }>(this.q.anonymousProfiles, { cutoff: cutoff.toISOString(), batch: this.settings.batchSize, anonymousTypes: this.anonymousTypes, ...after });
        effects.membershipsChanged(
          row.exited.flatMap(({ customerId, sequence, segmentIds }) =>
            segmentIds.map((segmentId, i): MembershipChange => ({ segmentId, customerId, change: 'EXITED', at, sequence: sequence + 1 + i })),
          ),
        );
        return row;
      });
      total += row.removed;
      if (row.scanned < this.settings.batchSize || !row.lastAt || !row.lastId) return total;
      after = { afterAt: row.lastAt.toISOString(), afterId: row.lastId };
    }
  }
}
