import { AppError, BadUserInputError } from '../shared/errors';

/**
 * A position in the membership feed, in the form of a Redis Stream id (`<milliseconds>-<sequence>`) for both
 * feeds, so clients treat it as one opaque, ordered string whichever feed the server runs.
 */
export type FeedCursor = { ms: bigint; seq: bigint };

const CURSOR = /^(\d{1,20})-(\d{1,20})$/;
const MAX_PART = 2n ** 64n - 1n;

export function parseCursor(value: string): FeedCursor {
  const match = CURSOR.exec(value);
  const cursor = match ? { ms: BigInt(match[1]), seq: BigInt(match[2]) } : null;
  if (!cursor || cursor.ms > MAX_PART || cursor.seq > MAX_PART) {
    throw new BadUserInputError('after is not a cursor of the membership feed (expected a cursor a change carried)', { argument: 'after' });
  }
  return cursor;
}

export const formatCursor = ({ ms, seq }: FeedCursor) => `${ms}-${seq}`;

/** Negative when a comes first, as Array.prototype.sort wants. */
export function compareCursors(a: FeedCursor, b: FeedCursor): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  return a.seq === b.seq ? 0 : a.seq < b.seq ? -1 : 1;
}

export const isAfter = (a: string, b: string) => compareCursors(parseCursor(a), parseCursor(b)) > 0;

/** The client cannot be given every change after its cursor: it must resync (query the segment), then follow live. */
export class CursorExpiredError extends AppError {
  constructor(reason: 'OLDER_THAN_RETAINED' | 'UNKNOWN_TO_FEED') {
    super(
      'CURSOR_EXPIRED',
      reason === 'OLDER_THAN_RETAINED'
        ? 'changes after this cursor are no longer retained (FEED_MAX_LENGTH): read the segment again, then subscribe without after'
        : 'this cursor was not handed out by the feed as it is now (it was reset: a restart without Redis, or Redis emptied): read the segment again, then subscribe without after',
      { reason },
    );
  }
}
