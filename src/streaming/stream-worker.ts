import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StreamingSettings } from '../config/config';
import { isTemporaryFailure } from '../infra/neo4j/database';
import { closeRedis } from '../infra/redis/redis-client';
import type { RawEvent } from '../ingestion/event-normalizer';
import type { IngestResult } from '../ingestion/ingestion.service';
import { isObject } from '../ingestion/payload-fields';
import { RefusedItem } from '../ingestion/payload-guard';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { EVENT_FIELD, IngestStream, REFUSED_FIELD, toEntries, type StreamEntry } from './ingest-stream';

export type Ingestion = { ingestEvents(events: (RawEvent | RefusedItem)[]): Promise<IngestResult[]> };

type Message = { entry: StreamEntry; event: RawEvent | RefusedItem };

type WorkerOptions = {
  redisUrl: string;
  settings: StreamingSettings;
  ingestion: Ingestion;
  metrics: Metrics;
  logger: Logger;
  /** Unique per process by default: a crashed consumer's messages are then told apart and reclaimed. */
  consumer?: string;
};

const RETRY_PAUSE_MS = 1000;

/**
 * Consumes the ingest stream with a consumer group: reads a batch, resolves it through ingestEvents (the path of the
 * GraphQL mutation), and acknowledges only after that committed. A crash between commit and acknowledgement
 * redelivers the batch, which then comes back DUPLICATE: the effect is exactly once.
 */
export class StreamWorker {
  readonly consumer: string;
  private readonly connection: Redis;
  private readonly stream: IngestStream;
  private stopping = false;
  private loop: Promise<void> | null = null;
  private handling: Promise<void> | null = null;
  private nextClaimAt = 0;

  constructor(private readonly options: WorkerOptions) {
    this.consumer = options.consumer ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
    // Its own connection: XREADGROUP BLOCK holds it. Commands fail after a retry while Redis is away; the loop pauses.
    this.connection = new Redis(options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    this.connection.on('error', (error: Error) => options.logger.warn({ reason: error.message }, 'ingest worker: Redis unavailable'));
    this.stream = new IngestStream(this.connection, options.settings);
  }

  private get settings() {
    return this.options.settings;
  }

  /** Starts consuming in the background; Redis being away only delays the start. */
  start(): void {
    this.loop ??= this.run();
  }

  /** Finishes (and acknowledges) the batch in hand, then stops reading and closes the connection. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.loop) {
      const patience = new AbortController();
      const finished = await Promise.race([
        this.loop.then(() => true),
        sleep(this.settings.blockMs + 1000, false, { signal: patience.signal }).catch(() => false),
      ]);
      patience.abort();
      // Still blocked in a read (Redis unresponsive): what it would return stays pending and is reclaimed later.
      if (!finished && !this.handling) this.connection.disconnect();
      await this.loop;
    }
    await closeRedis(this.connection);
  }

  private async run(): Promise<void> {
    const { logger } = this.options;
    const where = { stream: this.settings.streamKey, group: this.settings.group, consumer: this.consumer };
    while (!this.stopping) {
      try {
        if (this.connection.status === 'wait') await this.connection.connect();
        await this.stream.ensureGroup();
        break;
      } catch (error) {
        logger.warn({ err: error, ...where }, 'ingest worker: cannot reach the stream yet');
        await sleep(RETRY_PAUSE_MS);
      }
    }
    if (this.stopping) return;
    logger.info(where, 'ingest worker started');
    while (!this.stopping) {
      try {
        if (Date.now() >= this.nextClaimAt) {
          await this.reclaim();
          this.nextClaimAt = Date.now() + this.settings.claimIntervalMs;
        }
        const entries = await this.read();
        if (entries.length > 0) await this.handle(entries);
      } catch (error) {
        if (this.stopping) break;
        logger.warn({ err: error, ...where }, 'ingest worker: pausing after a failure');
        await sleep(RETRY_PAUSE_MS);
      }
    }
    logger.info(where, 'ingest worker stopped');
  }

  private async read(): Promise<StreamEntry[]> {
    const { group, batchSize, blockMs, streamKey } = this.settings;
    const reply = (await this.connection.xreadgroup('GROUP', group, this.consumer, 'COUNT', batchSize, 'BLOCK', blockMs, 'STREAMS', streamKey, '>')) as
      | [string, unknown][]
      | null;
    return reply ? toEntries(reply[0][1]) : [];
  }

  /** Messages pending longer than claimIdleMs with any consumer (one that crashed, or this one after a failure). */
  private async reclaim(): Promise<void> {
    const { streamKey, group, claimIdleMs, batchSize } = this.settings;
    let cursor = '0-0';
    do {
      const [next, raw] = (await this.connection.xautoclaim(streamKey, group, this.consumer, claimIdleMs, cursor, 'COUNT', batchSize)) as [string, unknown];
      const entries = toEntries(raw);
      if (entries.length > 0) {
        this.options.metrics.streamClaimed.inc(entries.length);
        this.options.logger.info({ count: entries.length, consumer: this.consumer }, 'ingest worker: reclaimed idle messages');
        await this.handle(entries);
      }
      cursor = next;
    } while (cursor !== '0-0' && !this.stopping);
  }

  private async handle(entries: StreamEntry[]): Promise<void> {
    this.handling = this.process(entries);
    try {
      await this.handling;
    } finally {
      this.handling = null;
    }
  }

  private async process(entries: StreamEntry[]): Promise<void> {
    const messages: Message[] = [];
    for (const entry of entries) {
      const event = parse(entry);
      if (event) messages.push({ entry, event });
      else await this.deadLetter(entry, 'UNREADABLE', `no JSON object in field "${EVENT_FIELD}"`, await this.deliveries(entry.id));
    }
    if (messages.length === 0) return;
    try {
      await this.apply(messages);
      return;
    } catch (error) {
      this.options.metrics.streamBatchFailures.inc();
      this.options.logger.warn({ err: error, count: messages.length }, 'ingest worker: batch failed');
      if (messages.length === 1) return this.failed(messages[0], error);
    }
    // One by one, so a poison message cannot hold back the others.
    for (const message of messages) {
      try {
        await this.apply([message]);
      } catch (error) {
        await this.failed(message, error);
        // The database is away: the rest would fail the same way; they stay pending and are reclaimed later.
        if (isTemporaryFailure(error)) throw error;
      }
    }
  }

  /** Resolves, then (only after that committed) acknowledges and deletes: the stream keeps only unapplied work. */
  private async apply(messages: Message[]): Promise<void> {
    const results = await this.options.ingestion.ingestEvents(messages.map((m) => m.event));
    await this.settle(messages.map((m) => m.entry.id));
    for (const result of results) this.options.metrics.streamProcessed.inc({ outcome: result.outcome });
    this.options.logger.debug({ count: messages.length, consumer: this.consumer }, 'ingest worker: batch applied');
  }

  private async settle(ids: string[]): Promise<void> {
    const { streamKey, group } = this.settings;
    await this.connection.multi().xack(streamKey, group, ...ids).xdel(streamKey, ...ids).exec();
  }

  /** A failed message is retried (after claimIdleMs) until its deliveries reach maxDeliveries, unless the cause is temporary. */
  private async failed({ entry }: Message, error: unknown): Promise<void> {
    if (isTemporaryFailure(error)) return;
    const deliveries = await this.deliveries(entry.id);
    if (deliveries >= this.settings.maxDeliveries) {
      await this.deadLetter(entry, 'FAILED', error instanceof Error ? error.message : String(error), deliveries);
    }
  }

  private async deliveries(id: string): Promise<number> {
    const rows = (await this.connection.xpending(this.settings.streamKey, this.settings.group, id, id, 1)) as [string, string, number, number][];
    return rows[0]?.[3] ?? 0;
  }

  /** Kept with its reason and original id in the dead-letter stream, then acknowledged: it no longer blocks anything. */
  private async deadLetter(entry: StreamEntry, reason: 'UNREADABLE' | 'FAILED', error: string, deliveries: number): Promise<void> {
    const { streamKey, group, deadLetterKey } = this.settings;
    await this.connection
      .multi()
      .xadd(deadLetterKey, '*', 'originalId', entry.id, 'stream', streamKey, 'reason', reason, 'error', error, 'deliveries', String(deliveries),
        'failedAt', new Date().toISOString(), EVENT_FIELD, entry.fields[EVENT_FIELD] ?? '')
      .xack(streamKey, group, entry.id)
      .xdel(streamKey, entry.id)
      .exec();
    this.options.metrics.streamDeadLettered.inc({ reason });
    this.options.logger.warn({ originalId: entry.id, reason, deliveries }, 'ingest worker: message moved to the dead-letter stream');
  }
}

/** JSON.parse does not recurse, so any nesting parses; ingestion's guard then bounds it like any other item. */
function parse(entry: StreamEntry): RawEvent | RefusedItem | null {
  try {
    const value: unknown = JSON.parse(entry.fields[EVENT_FIELD] ?? '');
    if (!isObject(value)) return null;
    const refused = entry.fields[REFUSED_FIELD];
    return refused === undefined ? (value as RawEvent) : RefusedItem.revive(value, JSON.parse(refused));
  } catch {
    return null;
  }
}
