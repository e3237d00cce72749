import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { AppError } from '../shared/errors';
import type { AuditEntryInput, AuditRecord, ChainedFields } from './audit-entry';
import type { AuditKey } from './audit-key';
import type { AuditRepository } from './audit.repository';
import { CheckpointWriter, type CheckpointSettings } from './checkpoint-writer';

export type AuditTrailOptions = {
  /** The chain entries are appended to; every API instance of a deployment shares `main`. */
  chain?: string;
  /** Most entries per write transaction; reaching it in the buffer also starts a flush. */
  batchSize: number;
  /** Longest an entry waits in the buffer while reads are quiet. */
  flushIntervalMs: number;
  /** Beyond this many unwritten entries (Neo4j away for long), clear reads are refused rather than left unaudited. */
  maxBuffer: number;
  /** Keys every entry's hash and signs the checkpoints. */
  key: AuditKey;
  /** Where signed checkpoints of the head go. */
  checkpoints: CheckpointSettings;
  clock?: () => Date;
};

/** Refused because entries cannot be written fast enough: a read that cannot be audited does not happen. */
export class AuditBacklogError extends AppError {
  constructor(buffered: number) {
    super('SERVICE_UNAVAILABLE', `The audit trail is ${buffered} entries behind; retry shortly`, { retryable: true });
  }
}

type Pending = Omit<ChainedFields, 'chain' | 'seq'>;

/**
 * The audit trail of PII reads. `record` only appends to an in-memory buffer, so a read pays nothing for it; a
 * flusher writes the buffer to the chain in batches, when a batch is full and at a short interval. `stop` writes
 * everything still buffered, so a clean shutdown loses nothing.
 */
export class AuditTrail {
  readonly chain: string;
  private buffer: Pending[] = [];
  private tail: Promise<void> = Promise.resolve();
  private draining = false;
  private sizeFlushQueued = false;
  private stopped = false;
  private readonly timer: NodeJS.Timeout;
  private readonly checkpoints: CheckpointWriter;

  constructor(
    private readonly repository: AuditRepository,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    private readonly options: AuditTrailOptions,
  ) {
    this.chain = options.chain ?? 'main';
    this.checkpoints = new CheckpointWriter(this.chain, options.key, options.checkpoints, logger, metrics, options.clock ?? (() => new Date()));
    this.timer = setInterval(() => this.tick(), options.flushIntervalMs).unref();
  }

  /** Entries recorded and not yet committed. */
  get buffered(): number {
    return this.buffer.length;
  }

  /** Throws unless an entry recorded now would be accepted: a read that could not be audited must not happen. */
  ensureAccepting(): void {
    if (this.stopped) throw new Error('The audit trail is stopped: no read may happen after shutdown began');
    if (this.buffer.length >= this.options.maxBuffer) throw new AuditBacklogError(this.buffer.length);
  }

  record(entry: AuditEntryInput): void {
    this.ensureAccepting();
    this.buffer.push({
      subject: entry.subject,
      roles: [...entry.roles],
      at: entry.at ?? this.options.clock?.() ?? new Date(),
      fields: [...entry.fields],
      customerId: entry.customerId,
      purpose: entry.purpose,
      decision: entry.decision,
      reason: entry.reason ?? null,
      requestId: entry.requestId,
      channel: entry.channel,
    });
    if (this.buffer.length >= this.options.batchSize && !this.sizeFlushQueued) {
      this.sizeFlushQueued = true;
      setImmediate(() => {
        this.sizeFlushQueued = false;
        this.flushInBackground();
      });
    }
  }

  /**
   * Writes everything buffered so far, batch by batch, after any flush in flight. Rejects when a batch cannot be
   * written; its entries stay buffered for the next attempt.
   */
  flush(): Promise<void> {
    const next = this.tail.catch(() => undefined).then(() => this.drain());
    this.tail = next;
    return next;
  }

  /**
   * Stops the flusher, writes what is left and checkpoints the head it leaves; call it before the database driver
   * and the checkpoint store's Redis connection close.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    try {
      await this.flush();
    } catch (error) {
      this.logger.error({ err: error, unwritten: this.buffer.length }, 'audit entries could not be written at shutdown');
      throw error;
    } finally {
      await this.checkpoints.flush();
    }
  }

  /** All entries about these customers, for a data export: oldest first per customer. */
  entriesFor(customerIds: readonly string[]): Promise<AuditRecord[]> {
    return this.repository.entriesForCustomers(this.chain, customerIds);
  }

  /** One customer's entries, newest first, below `beforeSeq` (a page of the auditLog connection). */
  customerLog(customerId: string, beforeSeq: number, limit: number): Promise<AuditRecord[]> {
    return this.repository.customerLog(this.chain, customerId, beforeSeq, limit);
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      // What was buffered when the flush began, and full batches: entries recorded meanwhile wait for the next tick
      // (or stop). Chasing them wrote a transaction of a few entries every few ms under steady reads, and each
      // commit costs Neo4j about as much as a thousand entries (measured on bench:read).
      let due = this.buffer.length;
      while (this.buffer.length > 0 && (due > 0 || this.buffer.length >= this.options.batchSize || this.stopped)) {
        due -= await this.writeBatch();
      }
    } finally {
      this.draining = false;
      this.metrics.auditBuffered.set(this.buffer.length);
    }
  }

  private async writeBatch(): Promise<number> {
    const batch = this.buffer.splice(0, this.options.batchSize);
    const stopTimer = this.metrics.auditFlushDuration.startTimer();
    try {
      const head = await this.repository.append(this.chain, batch, this.options.key);
      this.metrics.auditWritten.inc(batch.length);
      this.checkpoints.committed(head);
      return batch.length;
    } catch (error) {
      // Back at the front, in order: the chain keeps the order entries were recorded in.
      this.buffer.unshift(...batch);
      this.metrics.auditFlushFailures.inc();
      throw error;
    } finally {
      stopTimer();
    }
  }

  private tick(): void {
    this.metrics.auditBuffered.set(this.buffer.length);
    this.checkpoints.tick();
    if (this.buffer.length > 0 && !this.draining) this.flushInBackground();
  }

  private flushInBackground(): void {
    if (this.draining) return;
    this.flush().catch((error: unknown) =>
      this.logger.error({ err: error, buffered: this.buffer.length }, 'audit entries could not be written; will retry'),
    );
  }
}
