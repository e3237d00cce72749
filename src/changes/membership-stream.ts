import type { FeedEntry } from '../kernel/membership-change';
import { AppError } from '../shared/errors';
import { EntryQueue } from './entry-queue';
import { isAfter } from './feed-cursor';
import type { MembershipFeed } from './membership-feed';

const REPLAY_PAGE = 500;
/** Live entries held for one subscriber that does not keep up, before it is ended (it resumes with its cursor). */
const LIVE_BUFFER = 10_000;

// A function of the module, not a closure of each stream: an idle subscription would keep its own.
const fellBehind = () =>
  new AppError('SERVICE_UNAVAILABLE', 'this subscriber fell too far behind: subscribe again with after set to the last cursor received');

/**
 * The entries of some segments: with `after`, every retained entry after that cursor, then the live ones, with no
 * gap and no duplicate at the seam. Listening starts before the replay is read, and live entries at or before the
 * last replayed cursor are dropped. Cursor errors (malformed, expired) are thrown here, before anything streams.
 */
export async function openMembershipStream(feed: MembershipFeed, segmentIds: readonly string[], after: string | null): Promise<AsyncIterableIterator<FeedEntry>> {
  const stream = new MembershipStream(feed, new Set(segmentIds), after);
  await stream.start();
  return stream;
}

/**
 * A class rather than an async generator: an idle subscription holds one of these for as long as it is open, and
 * the generator with its closures cost several times the memory (measured with bench:audience).
 */
class MembershipStream implements AsyncIterableIterator<FeedEntry> {
  private readonly live = new EntryQueue<FeedEntry>(LIVE_BUFFER, fellBehind);
  private readonly stopListening: () => void;
  private page: FeedEntry[] = [];
  private index = 0;
  private replaying: boolean;

  constructor(
    private readonly feed: MembershipFeed,
    private readonly wanted: ReadonlySet<string>,
    /** The last cursor handed out (or asked for): live entries at or before it were replayed already. */
    private position: string | null,
  ) {
    this.replaying = position !== null;
    // A subscriber this far behind is ended here: its next() rejects with the overflow error.
    this.stopListening = feed.listen((entry) => {
      if (wanted.has(entry.segmentId) && !this.live.push(entry)) this.cleanUp();
    });
  }

  /** Listening has started (above); now the first page of the replay. Cursor errors are thrown here. */
  async start(): Promise<void> {
    if (this.position === null) return;
    try {
      this.page = await this.feed.readAfter(this.position, REPLAY_PAGE);
    } catch (error) {
      this.cleanUp();
      throw error;
    }
  }

  next(): Promise<IteratorResult<FeedEntry>> {
    // Live and past the seam: the queue's own promise, with no frame of this stream held while it waits.
    if (!this.replaying && this.position === null) return this.live.next();
    return this.nextAtSeam();
  }

  private async nextAtSeam(): Promise<IteratorResult<FeedEntry>> {
    try {
      while (this.replaying) {
        while (this.index < this.page.length) {
          const entry = this.page[this.index++];
          this.position = entry.cursor;
          if (this.wanted.has(entry.segmentId)) return { value: entry, done: false };
        }
        if (this.page.length < REPLAY_PAGE) {
          this.replaying = false;
          this.page = [];
          break;
        }
        this.page = await this.feed.readAfter(this.position!, REPLAY_PAGE);
        this.index = 0;
      }
      for (;;) {
        const result = await this.live.next();
        if (result.done) {
          this.cleanUp();
          return result;
        }
        // Live entries come in feed order: past the seam once, every later one is too.
        if (this.position === null || isAfter(result.value.cursor, this.position)) {
          this.position = null;
          return result;
        }
      }
    } catch (error) {
      this.cleanUp();
      throw error;
    }
  }

  /** Closing the queue first releases a pending next(); a subscriber gone before its first event stops listening. */
  return(): Promise<IteratorResult<FeedEntry>> {
    this.cleanUp();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<FeedEntry>> {
    this.cleanUp();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<FeedEntry> {
    return this;
  }

  private cleanUp(): void {
    this.stopListening();
    this.live.close();
  }
}
