import type { Redis } from 'ioredis';
import type { RawEvent } from '../ingestion/event-normalizer';
import { RefusedItem } from '../ingestion/payload-guard';

export type StreamEntry = { id: string; fields: Record<string, string> };

type StreamNames = { streamKey: string; group: string };

/** The field a stream entry carries: the event as JSON, exactly as ingestEvents takes it. */
export const EVENT_FIELD = 'event';
/** Only on an event refused at the door for its shape: the rejection, with the event's summary in EVENT_FIELD. */
export const REFUSED_FIELD = 'refused';

/** XRANGE/XREADGROUP/XAUTOCLAIM entries, `[id, [field, value, ...]]`, as objects. */
export function toEntries(raw: unknown): StreamEntry[] {
  return ((raw ?? []) as [string, string[] | null][]).map(([id, flat]) => {
    const fields: Record<string, string> = {};
    for (let i = 0; flat && i < flat.length; i += 2) fields[flat[i]] = flat[i + 1];
    return { id, fields };
  });
}

const isBusyGroup = (error: unknown) => error instanceof Error && error.message.startsWith('BUSYGROUP');

/**
 * The Redis Stream that carries identity events to the worker. Producers append; the worker's consumer group reads,
 * acknowledges and deletes what it has applied, so the stream holds only work not yet done (never trimmed blindly).
 */
export class IngestStream {
  private groupReady: Promise<void> | null = null;

  constructor(
    private readonly redis: Redis,
    readonly names: StreamNames,
  ) {}

  /**
   * Creates the consumer group reading from the very first entry. Producers call it too: a group created after the
   * first appends with `$` would skip them.
   */
  ensureGroup(): Promise<void> {
    this.groupReady ??= this.redis
      .xgroup('CREATE', this.names.streamKey, this.names.group, '0', 'MKSTREAM')
      .then(
        () => undefined,
        (error: unknown) => {
          if (isBusyGroup(error)) return;
          this.groupReady = null; // Redis away: the next call tries again
          throw error;
        },
      );
    return this.groupReady;
  }

  /**
   * Appends events, one entry each, in one round trip; returns their stream ids. Each event should carry a messageId:
   * a redelivered entry is then recognised as a DUPLICATE and applied once.
   */
  async append(events: (RawEvent | RefusedItem)[]): Promise<string[]> {
    if (events.length === 0) return [];
    await this.ensureGroup();
    const pipeline = this.redis.pipeline();
    for (const event of events) {
      if (event instanceof RefusedItem) {
        pipeline.xadd(this.names.streamKey, '*', EVENT_FIELD, JSON.stringify(event.summary), REFUSED_FIELD, JSON.stringify(event.rejection));
      } else {
        pipeline.xadd(this.names.streamKey, '*', EVENT_FIELD, JSON.stringify(event));
      }
    }
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([error, id]) => {
      if (error) throw error;
      return id as string;
    });
  }

  /** Entries not yet applied: never delivered (the group's lag) plus delivered and not yet acknowledged. */
  async backlog(): Promise<number> {
    const groups = await this.redis.xinfo('GROUPS', this.names.streamKey).catch((error: Error) => {
      if (/no such key/i.test(error.message)) return [];
      throw error;
    });
    for (const flat of groups as unknown[][]) {
      const info: Record<string, unknown> = {};
      for (let i = 0; i < flat.length; i += 2) info[String(flat[i])] = flat[i + 1];
      if (info.name !== this.names.group) continue;
      // lag is null when Redis cannot tell (entries deleted past the group's position): count what is there instead.
      if (typeof info.lag === 'number') return info.lag + Number(info.pending ?? 0);
      break;
    }
    return this.redis.xlen(this.names.streamKey);
  }
}
