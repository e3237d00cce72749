import { performance } from 'node:perf_hooks';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { signCheckpoint } from './audit-checkpoint';
import type { AuditKey } from './audit-key';
import type { ChainHead } from './audit.repository';
import type { CheckpointStore } from './checkpoint-store';

export type CheckpointSettings = {
  store: CheckpointStore;
  /** Least time between two checkpoints; a head committed meanwhile waits for the next tick, or for stop. */
  intervalMs: number;
  /** Milliseconds on a monotonic clock, for the interval (tests step it). */
  now?: () => number;
};

/**
 * Signs the heads a trail commits and writes them outside Neo4j, twice: to the log stream, and to the store. The
 * first committed head is checkpointed at once, later ones at most once per interval, and the last one at stop:
 * entries newer than the newest checkpoint are the only ones a truncation can remove unnoticed.
 */
export class CheckpointWriter {
  private pending: ChainHead | null = null;
  private lastWrittenAt = Number.NEGATIVE_INFINITY;
  private writing: Promise<void> = Promise.resolve();
  private readonly now: () => number;

  constructor(
    private readonly chain: string,
    private readonly key: AuditKey,
    private readonly settings: CheckpointSettings,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    private readonly clock: () => Date,
  ) {
    this.now = settings.now ?? (() => performance.now());
  }

  /** A batch committed and moved the head here. */
  committed(head: ChainHead): void {
    this.pending = head;
    this.tick();
  }

  tick(): void {
    if (this.pending && this.now() - this.lastWrittenAt >= this.settings.intervalMs) this.write(this.pending);
  }

  /** Checkpoints the last committed head now, whatever the interval, and waits until the store has it. */
  async flush(): Promise<void> {
    if (this.pending) this.write(this.pending);
    await this.writing;
  }

  private write(head: ChainHead): void {
    this.pending = null;
    this.lastWrittenAt = this.now();
    const checkpoint = signCheckpoint(this.key, {
      chain: this.chain,
      seq: head.seq,
      hash: head.hash,
      keyedFrom: head.keyedFrom,
      at: this.clock().toISOString(),
    });
    // The log line first: it is the copy that does not depend on the store being reachable.
    this.logger.info({ auditCheckpoint: checkpoint }, 'audit checkpoint');
    this.writing = this.writing
      .then(() => this.settings.store.append(checkpoint))
      .catch((error: unknown) => {
        this.metrics.auditCheckpointFailures.inc();
        const store = this.settings.store.describe(this.chain);
        this.logger.error({ err: error, store, seq: head.seq }, 'audit checkpoint could not be stored; the log has it');
      });
  }
}
