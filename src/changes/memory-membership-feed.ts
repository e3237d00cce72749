import type { FeedEntry, MembershipChange } from '../kernel/membership-change';
import { compareCursors, CursorExpiredError, formatCursor, parseCursor, type FeedCursor } from './feed-cursor';
import type { MembershipFeed } from './membership-feed';

/**
 * The feed of a single instance without Redis (the embedded default): a bounded ring in memory, cursors in the
 * same form as Redis Stream ids. Nothing survives a restart, so a cursor from before this feed started is expired.
 */
export class MemoryMembershipFeed implements MembershipFeed {
  private entries: { cursor: FeedCursor; entry: FeedEntry }[] = [];
  private readonly listeners = new Set<(entry: FeedEntry) => void>();
  /** Where this feed began: a cursor before it was handed out by a feed that is gone (a restart). */
  private readonly origin: FeedCursor;
  /** Everything at or before it was dropped from the ring; a cursor before it is expired. */
  private floor: FeedCursor;
  private last: FeedCursor;

  constructor(
    private readonly maxLength: number,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.origin = { ms: BigInt(this.clock().getTime()), seq: 0n };
    this.floor = this.origin;
    this.last = this.origin;
  }

  async append(changes: MembershipChange[]): Promise<FeedEntry[]> {
    const appended = changes.map((change) => {
      const cursor = this.next();
      const entry: FeedEntry = { ...change, cursor: formatCursor(cursor) };
      this.entries.push({ cursor, entry });
      return entry;
    });
    const excess = this.entries.length - this.maxLength;
    if (excess > 0) {
      this.floor = this.entries[excess - 1].cursor;
      this.entries = this.entries.slice(excess);
    }
    // A fresh object per dispatch (one for all listeners, so subscribers can share its execution), never the one the
    // ring keeps: results cached on an event object must not outlive its live delivery.
    for (const entry of appended) {
      const live = { ...entry };
      for (const listener of this.listeners) listener(live);
    }
    return appended;
  }

  async readAfter(cursor: string, limit: number): Promise<FeedEntry[]> {
    const after = parseCursor(cursor);
    if (compareCursors(after, this.origin) < 0) throw new CursorExpiredError('UNKNOWN_TO_FEED');
    if (compareCursors(after, this.floor) < 0) throw new CursorExpiredError('OLDER_THAN_RETAINED');
    if (compareCursors(after, this.last) > 0) throw new CursorExpiredError('UNKNOWN_TO_FEED');
    const start = this.firstAfter(after);
    return this.entries.slice(start, start + limit).map((held) => ({ ...held.entry }));
  }

  listen(listener: (entry: FeedEntry) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }

  /** Binary search: the ring is in cursor order. */
  private firstAfter(cursor: FeedCursor): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareCursors(this.entries[middle].cursor, cursor) > 0) high = middle;
      else low = middle + 1;
    }
    return low;
  }

  /** Monotonic even when the clock stands still or steps back, as Redis makes stream ids. */
  private next(): FeedCursor {
    const now = BigInt(this.clock().getTime());
    this.last = now > this.last.ms ? { ms: now, seq: 0n } : { ms: this.last.ms, seq: this.last.seq + 1n };
    return this.last;
  }
}
