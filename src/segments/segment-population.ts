import type { ChangePublisher } from '../changes/change-publisher';
import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import type { Database } from '../infra/neo4j/database';
import { KeyedRuns } from '../jobs/keyed-runs';
import type { Logger } from '../observability/logger';
import type { MembershipChange } from '../kernel/membership-change';
import type { SegmentEvaluator } from './segment-evaluator';

export type PopulationSettings = { batch: number; leaseSeconds: number; holder: string };

type Claim = { version: number; after: string; status: 'EVALUATING' | 'DELETING' };

/**
 * Whole-population work on one segment, in the background and in batches (each its own transaction, so requests
 * keep being served): evaluating a new or changed definition over every customer, or removing a deleted segment's
 * members. Progress is stored on the segment (status, evaluated, total) and logged. An instance holds a lease on
 * the run, renewed per batch; a run left by a stopped instance is resumed by any instance once the lease lapses
 * (`resumePending`, a background job's tick). Leases are timed by the database's clock; this instance's clock only
 * dates what the evaluation decides.
 */
export class SegmentPopulation {
  private readonly q;
  private readonly runs: KeyedRuns;

  constructor(
    private readonly db: Database,
    registry: CypherRegistry,
    private readonly evaluator: SegmentEvaluator,
    private readonly changes: ChangePublisher,
    private readonly logger: Logger,
    private readonly settings: PopulationSettings,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.q = registry.bind({
      claim: 'segments/claim-evaluation',
      pending: 'segments/pending-evaluations',
      customerPage: 'segments/customer-page',
      countCustomers: 'segments/count-customers',
      recordProgress: 'segments/record-progress',
      dropMembers: 'segments/drop-members',
      finishDelete: 'segments/finish-delete',
    });
    // A run in progress may be past its last claim: a start meanwhile makes it look again when it ends.
    this.runs = new KeyedRuns((segmentId) => this.run(segmentId), {
      againIfRunning: true,
      onError: (error, segmentId) => this.logger.error({ err: error, segmentId }, 'segment evaluation stopped; another instance or a restart resumes it'),
    });
  }

  /** This instance, as the holder of the leases it takes. */
  get holder(): string {
    return this.settings.holder;
  }

  start(segmentId: string): void {
    this.runs.start(segmentId);
  }

  /** Starts the runs whose lease lapsed (their instance stopped): the tick of the resume job. */
  async resumePending(): Promise<void> {
    const rows = await this.db.read<{ id: string }>(this.q.pending, { leaseSeconds: this.settings.leaseSeconds });
    for (const row of rows) this.start(row.id);
  }

  /** Waits for the runs in progress (tests; a stop lets them end at their next batch). */
  drain(): Promise<void> {
    return this.runs.drain();
  }

  stop(): Promise<void> {
    return this.runs.stop();
  }

  private async run(segmentId: string): Promise<void> {
    let total: number | null = null;
    let batches = 0;
    for (;;) {
      if (this.runs.isStopped) return;
      const claim = await this.claim(segmentId);
      if (!claim) return;
      if (claim.status === 'DELETING') return this.removeMembers(segmentId);
      total ??= (await this.db.read<{ total: number }>(this.q.countCustomers))[0].total;
      const { changes, recorded, done, after } = await this.db.write(async (tx) => {
        const [{ ids }] = await tx.rows<{ ids: string[] }>(this.q.customerPage, { after: claim.after, batch: this.settings.batch });
        const changes = await this.changes.oweMemberships(tx, await this.evaluator.evaluateSegmentIn(tx, segmentId, ids));
        const done = ids.length < this.settings.batch;
        const after = ids.at(-1) ?? claim.after;
        const recorded = await tx.rows(this.q.recordProgress, {
          id: segmentId,
          version: claim.version,
          holder: this.settings.holder,
          previous: claim.after,
          count: ids.length,
          after,
          total,
          done,
          now: this.clock().toISOString(),
        });
        return { changes, recorded: recorded.length > 0, done, after };
      });
      await this.changes.publishMemberships(changes);
      batches++;
      if (done || batches % 20 === 0) {
        this.logger.info({ segmentId, version: claim.version, after, total, done, changed: changes.changes.length }, done ? 'segment evaluated' : 'segment evaluation in progress');
      }
      if (recorded && done) return;
      if (!recorded) total = null; // a new version (or a deletion): claim again, from its start
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private async removeMembers(segmentId: string): Promise<void> {
    for (;;) {
      const at = this.clock().toISOString();
      const owed = await this.db.write(async (tx) => {
        const removed = await tx.rows<{ customerId: string; sequence: number }>(this.q.dropMembers, { id: segmentId, batch: this.settings.batch });
        const changes: MembershipChange[] = removed.map(({ customerId, sequence }) => ({ segmentId, customerId, change: 'EXITED', at, sequence }));
        return this.changes.oweMemberships(tx, changes);
      });
      await this.changes.publishMemberships(owed);
      if (owed.changes.length < this.settings.batch) break;
    }
    await this.db.write((tx) => tx.rows(this.q.finishDelete, { id: segmentId }));
    this.logger.info({ segmentId }, 'segment deleted');
  }

  private async claim(segmentId: string): Promise<Claim | null> {
    const [row] = await this.db.write((tx) =>
      tx.rows<Claim>(this.q.claim, { id: segmentId, holder: this.settings.holder, leaseSeconds: this.settings.leaseSeconds }),
    );
    return row ?? null;
  }
}
