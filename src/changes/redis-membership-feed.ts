import { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../observability/logger';
import type { FeedEntry, MembershipChange } from '../kernel/membership-change';
import { compareCursors, CursorExpiredError, formatCursor, parseCursor, type FeedCursor } from './feed-cursor';
import type { MembershipFeed } from './membership-feed';

type Options = {
  /** The app's shared connection: appends and replays. */
  redis: Redis;
  /** For the blocking reader's own connection (a blocked connection can serve nothing else). */
  url: string;
  key: string;
  maxLength: number;
  logger: Logger;
  /** How long one XREAD waits; only bounds how often an idle reader round-trips. */
  blockMs?: number;
};

type StreamMessage = [id: string, fields: string[]];

const READ_BATCH = 1000;
const RETRY_MS = 1000;

function toEntry([cursor, fields]: StreamMessage): FeedEntry {
  const value: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) value[fields[i]] = fields[i + 1];
  return { segmentId: value.segmentId, customerId: value.customerId, change: value.change as FeedEntry['change'], at: value.at, sequence: Number(value.sequence ?? 0), cursor };
}

/** XINFO STREAM answers a flat list of names and values. */
function infoField(info: unknown[], name: string): unknown {
  const index = info.indexOf(name);
  return index >= 0 ? info[index + 1] : undefined;
}

/**
 * The feed shared by every instance: a Redis Stream trimmed to about FEED_MAX_LENGTH entries, cursor = stream id.
 * One blocking reader per instance follows the stream and fans each entry out to this instance's listeners, so a
 * change appended on instance A reaches subscribers on instance B, in stream order. Needs Redis 7 (XINFO's
 * entries-added tells whether anything was trimmed).
 */
export class RedisMembershipFeed implements MembershipFeed {
  private readonly listeners = new Set<(entry: FeedEntry) => void>();
  private readonly reader: Redis;
  private closed = false;
  private reading: Promise<void> = Promise.resolve();

  private constructor(private readonly options: Options) {
    this.reader = new Redis(options.url, { lazyConnect: true, maxRetriesPerRequest: null });
    this.reader.on('error', (error: Error) => options.logger.debug({ reason: error.message }, 'feed reader: Redis unavailable'));
  }

  /** Starts following the stream from its current end, so nothing appended after start is missed by listeners. */
  static async start(options: Options): Promise<RedisMembershipFeed> {
    const feed = new RedisMembershipFeed(options);
    const from = await feed.currentEnd().catch(() => null);
    feed.reading = feed.follow(from);
    return feed;
  }

  async append(changes: MembershipChange[]): Promise<FeedEntry[]> {
    if (changes.length === 0) return [];
    const { key, maxLength } = this.options;
    // One transaction: a batch lands whole and contiguous, in the order given.
    const transaction = this.options.redis.multi();
    for (const { segmentId, customerId, change, at, sequence } of changes) {
      transaction.xadd(key, 'MAXLEN', '~', String(maxLength), '*', 'segmentId', segmentId, 'customerId', customerId, 'change', change, 'at', at, 'sequence', String(sequence));
    }
    const results = await transaction.exec();
    if (!results) throw new Error('the membership feed append was aborted');
    return results.map(([error, cursor], i) => {
      if (error) throw error;
      return { ...changes[i], cursor: cursor as string };
    });
  }

  async readAfter(cursor: string, limit: number): Promise<FeedEntry[]> {
    const after = parseCursor(cursor);
    const { key } = this.options;
    // Atomically: what was trimmed and what follows the cursor, so no trim can slip between the check and the read.
    const results = await this.options.redis
      .multi()
      .xinfo('STREAM', key)
      .xrange(key, `(${formatCursor(after)}`, '+', 'COUNT', limit)
      .exec();
    if (!results) throw new Error('the membership feed read was aborted');
    const [[infoError, info], [rangeError, range]] = results;
    if (infoError && !/no such key/i.test(infoError.message)) throw infoError;
    // No stream yet: nothing was ever appended or trimmed.
    const stream = infoError ? [] : (info as unknown[]);
    if (this.lostAfter(after, stream)) throw new CursorExpiredError('OLDER_THAN_RETAINED');
    if (compareCursors(after, parseCursor(String(infoField(stream, 'last-generated-id') ?? '0-0'))) > 0) throw new CursorExpiredError('UNKNOWN_TO_FEED');
    if (rangeError) throw rangeError;
    return (range as StreamMessage[]).map(toEntry);
  }

  /**
   * Whether an entry after `cursor` is gone. Trimming takes entries from the head only, below the first retained
   * entry, but Redis does not say which was the last it dropped: a cursor below the first retained entry counts as
   * expired once anything was trimmed, which errs only toward a needless resync (for a cursor that was exactly the
   * last entry dropped). max-deleted-entry-id covers entries removed one by one (XDEL).
   */
  private lostAfter(cursor: FeedCursor, stream: unknown[]): boolean {
    const removed = Number(infoField(stream, 'entries-added') ?? 0) - Number(infoField(stream, 'length') ?? 0);
    if (removed <= 0) return false;
    const deleted = infoField(stream, 'max-deleted-entry-id');
    if (deleted && compareCursors(cursor, parseCursor(String(deleted))) < 0) return true;
    const first = infoField(stream, 'first-entry') as StreamMessage | null | undefined;
    const firstRetained = first ? first[0] : String(infoField(stream, 'last-generated-id'));
    return compareCursors(cursor, parseCursor(firstRetained)) < 0;
  }

  listen(listener: (entry: FeedEntry) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    // Rejects the pending XREAD, which ends the loop.
    this.reader.disconnect();
    await this.reading;
  }

  private async currentEnd(): Promise<string> {
    const [last] = (await this.options.redis.xrevrange(this.options.key, '+', '-', 'COUNT', 1)) as StreamMessage[];
    return last ? last[0] : '0-0';
  }

  private async follow(from: string | null): Promise<void> {
    let lastId = from;
    while (!this.closed) {
      try {
        if (this.reader.status === 'wait') await this.reader.connect();
        lastId ??= await this.currentEnd();
        const reply = (await this.reader.xread('COUNT', READ_BATCH, 'BLOCK', this.options.blockMs ?? 5000, 'STREAMS', this.options.key, lastId)) as
          | [string, StreamMessage[]][]
          | null;
        for (const [, messages] of reply ?? []) {
          for (const message of messages) {
            lastId = message[0];
            const entry = toEntry(message);
            for (const listener of this.listeners) listener(entry);
          }
        }
      } catch (error) {
        if (this.closed) return;
        this.options.logger.warn({ reason: (error as Error).message }, 'membership feed reader failed; retrying');
        await sleep(RETRY_MS);
      }
    }
  }
}
