import type { FeedEntry } from '../segments/membership-change';
import { AppError } from '../shared/errors';
import { EntryQueue } from './entry-queue';
import { isAfter } from './feed-cursor';
import type { MembershipFeed } from './membership-feed';

const REPLAY_PAGE = 500;
/** Live entries held for one subscriber that does not keep up, before it is ended (it resumes with its cursor). */
const LIVE_BUFFER = 10_000;

/**
 * The entries of some segments: with `after`, every retained entry after that cursor, then the live ones, with no
 * gap and no duplicate at the seam. Listening starts before the replay is read, and live entries at or before the
 * last replayed cursor are dropped. Cursor errors (malformed, expired) are thrown here, before anything streams.
 */
export async function openMembershipStream(feed: MembershipFeed, segmentIds: readonly string[], after: string | null): Promise<AsyncIterableIterator<FeedEntry>> {
  const wanted = new Set(segmentIds);
  const live = new EntryQueue<FeedEntry>(
    LIVE_BUFFER,
    () => new AppError('SERVICE_UNAVAILABLE', 'this subscriber fell too far behind: subscribe again with after set to the last cursor received'),
  );
  const stopListening = feed.listen((entry) => {
    if (wanted.has(entry.segmentId)) live.push(entry);
  });
  const cleanUp = () => {
    stopListening();
    live.close();
  };

  let page: FeedEntry[] = [];
  try {
    if (after !== null) page = await feed.readAfter(after, REPLAY_PAGE);
  } catch (error) {
    cleanUp();
    throw error;
  }

  let position: string | null = after;
  async function* entries(): AsyncGenerator<FeedEntry> {
    try {
      if (position !== null) {
        for (;;) {
          for (const entry of page) {
            position = entry.cursor;
            if (wanted.has(entry.segmentId)) yield entry;
          }
          if (page.length < REPLAY_PAGE) break;
          page = await feed.readAfter(position, REPLAY_PAGE);
        }
      }
      for (;;) {
        const { value, done } = await live.next();
        if (done) return;
        if (position === null || isAfter(value.cursor, position)) yield value;
      }
    } finally {
      cleanUp();
    }
  }

  const iterator = entries();
  // An async generator queues return() behind a pending next(): closing the queue first releases that next(),
  // and a subscriber gone before its first event still stops listening.
  const stream: AsyncIterableIterator<FeedEntry> = {
    next: () => iterator.next(),
    return: (value?: unknown) => {
      cleanUp();
      return iterator.return(value as never);
    },
    throw: (error?: unknown) => {
      cleanUp();
      return iterator.throw(error);
    },
    [Symbol.asyncIterator]: () => stream,
  };
  return stream;
}
