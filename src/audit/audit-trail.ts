import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { AppError } from '../shared/errors';
import type { AuditEntryInput, ChainedFields } from './audit-entry';
import type { AuditKey } from './audit-key';
import type { AuditRepository, ChainHead } from './audit.repository';
import { setImmediate as yieldToRequests } from 'node:timers/promises';
import { ChainHasher, HASHED_PER_TURN, type PendingEntry } from './chain-batch';
import { CheckpointWriter, type CheckpointSettings } from './checkpoint-writer';

export type AuditTrailOptions = {
  /** The chain entries are appended to; every API instance of a deployment shares `main`. */
  chain?: string;
  /** Most entries per write transaction (one statement); reaching it in the buffer also starts a flush. */
  batchSize: number;
  /** Longest an entry waits in the buffer while reads are quiet. */
  flushIntervalMs: number;
  /**
   * At or beyond this many unwritten entries (Neo4j away, or reads faster than the writer), operations that would
   * read PII in clear are refused before they run (see admit); those already admitted are always recorded.
   */
  maxBuffer: number;
  /** What a refusal tells the client to wait before it retries. */
  retryAfterSeconds?: number;
  /** Keys every entry's hash and signs the checkpoints. */
  key: AuditKey;
  /** Where signed checkpoints of the head go. */
  checkpoints: CheckpointSettings;
  clock?: () => Date;
};

/**
 * Refused before it ran because the audit trail is too far behind to record more clear reads: a read that cannot be
 * audited does not happen. The whole operation is refused, with HTTP 503 and Retry-After (Apollo takes the status and
 * headers from extensions.http and strips them from the body).
 */
export class AuditBacklogError extends AppError {
  constructor(buffered: number, retryAfterSeconds: number) {
    super('SERVICE_UNAVAILABLE', `The audit trail is ${buffered} entries behind; nothing in this operation ran; retry in ${retryAfterSeconds} s`, {
      reason: 'AUDIT_BACKLOG',
      retryable: true,
      retryAfterSeconds,
      http: { status: 503, headers: new Map([['retry-after', String(retryAfterSeconds)]]) },
    });
  }
}

/**
 * The audit trail of PII reads. `record` hashes the entry into the chain after the one before it (about 2 µs) and
 * appends it to an in-memory buffer; a flusher writes the buffer to the chain in batches of one statement each, when
 * a batch is full and at a short interval, back to back while entries keep coming. Operations are admitted (`admit`)
 * before they run, so an operation is refused whole or recorded whole, never cut short halfway through its fields.
 * `stop` writes everything still buffered, so a clean shutdown loses nothing.
 *
 * Hashing as entries are recorded takes it off the flusher's path: hashed there, in turns between which requests
 * were served, a flush under 1,000-customer pages waited more for its turns than Neo4j took to write it (over half of
 * the flushing time, measured in bench:policy). Entries are hashed so from the head this instance committed last:
 * until it is known (before the first flush), and after another instance moved it (the flush then hashes again after
 * the head it finds), entries are recorded unhashed, and the flusher hashes the buffer anew once it wrote a batch.
 */
export class AuditTrail {
  readonly chain: string;
  private buffer: PendingEntry[] = [];
  /** The head this instance last committed: the next flush is hashed after it, in one statement, unless it moved. */
  private head: ChainHead | null = null;
  /** Hashes each entry recorded after the last one buffered; null while the buffer is not hashed from `head` on. */
  private hasher: ChainHasher | null = null;
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

  /**
   * Throws AuditBacklogError unless an operation that reads PII in clear may start now; called before it runs.
   * What an admitted operation reads is recorded even past maxBuffer: the buffer can exceed it by what the
   * operations admitted meanwhile read.
   */
  admit(): void {
    this.ensureRecording();
    if (this.buffer.length >= this.options.maxBuffer) throw new AuditBacklogError(this.buffer.length, this.options.retryAfterSeconds ?? 1);
  }

  /** Throws once shutdown began: no read may happen that could not be recorded. */
  ensureRecording(): void {
    if (this.stopped) throw new Error('The audit trail is stopped: no read may happen after shutdown began');
  }

  /** The time entries are stamped with (UTC), by the configured clock. */
  now(): Date {
    return this.options.clock?.() ?? new Date();
  }

  /** Buffers one entry; `roles` and `fields` are kept as given, so the caller hands over arrays it no longer changes. */
  record(entry: AuditEntryInput): void {
    this.ensureRecording();
    const pending: PendingEntry = {
      subject: entry.subject,
      roles: entry.roles as string[],
      at: entry.at ?? this.now(),
      fields: entry.fields as string[],
      // A block stores "no customer" as '' (see audit-block.ts): an empty id is recorded as the null it reads back as.
      customerId: entry.customerId === '' ? null : entry.customerId,
      purpose: entry.purpose,
      decision: entry.decision,
      reason: entry.reason ?? null,
      requestId: entry.requestId,
      channel: entry.channel,
    };
    if (this.hasher) pending.chained = this.hasher.next(pending);
    this.buffer.push(pending);
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
  entriesFor(customerIds: readonly string[]): Promise<ChainedFields[]> {
    return this.repository.entriesForCustomers(this.chain, customerIds);
  }

  /** One customer's entries, newest first, below `beforeSeq` (a page of the auditLog connection). */
  customerLog(customerId: string, beforeSeq: number, limit: number): Promise<ChainedFields[]> {
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
      if (!this.hasher && this.head && !this.stopped) await this.hashBufferFrom(this.head);
    } finally {
      this.draining = false;
      this.metrics.auditBuffered.set(this.buffer.length);
    }
  }

  private async writeBatch(): Promise<number> {
    const batch = this.buffer.splice(0, this.options.batchSize);
    const stopTimer = this.metrics.auditFlushDuration.startTimer();
    try {
      const head = await this.repository.append(this.chain, batch, this.options.key, this.head);
      this.head = head;
      // Written with other hashes than those the entries still buffered continue from (the head had moved): they,
      // and those recorded next, are hashed anew.
      if (this.hasher && !this.hashedAfter(head)) this.hasher = null;
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

  /** The entries buffered, and those the hasher hashes next, continue the chain from `head`. */
  private hashedAfter(head: ChainHead): boolean {
    return this.buffer.length > 0 ? this.buffer[0].chained?.prevHash === head.hash : this.hasher?.head.hash === head.hash;
  }

  /**
   * Hashes the whole buffer after `head`, in turns, entries recorded meanwhile included; from then on each entry is
   * hashed as it is recorded. Runs in a flush (never beside a write, which takes entries from the buffer).
   */
  private async hashBufferFrom(head: ChainHead): Promise<void> {
    const hasher = new ChainHasher(this.chain, this.options.key, head.seq, head.hash);
    for (let i = 0; i < this.buffer.length; i++) {
      if (i > 0 && i % HASHED_PER_TURN === 0) await yieldToRequests();
      this.buffer[i].chained = hasher.next(this.buffer[i]);
    }
    // No await since the loop last read the buffer's length: nothing was recorded unhashed after it.
    this.hasher = hasher;
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
