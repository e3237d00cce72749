import type { FeedEntry, MembershipChange } from '../kernel/membership-change';

/**
 * The durable, ordered feed of segment membership changes: every change gets a cursor, a client that was away
 * reads what it missed after its cursor, and live entries (appended by any instance) reach every listener here.
 */
export interface MembershipFeed {
  /** Call only after the transaction that decided the changes committed; the entries keep the given order. */
  append(changes: MembershipChange[]): Promise<FeedEntry[]>;
  /**
   * Up to `limit` entries after `cursor` (exclusive), oldest first. Throws BAD_USER_INPUT for a malformed cursor and
   * CURSOR_EXPIRED when entries after it were already dropped (or the cursor is unknown to this feed).
   */
  readAfter(cursor: string, limit: number): Promise<FeedEntry[]>;
  /** Every entry appended from now on, in feed order, until the returned function is called. */
  listen(listener: (entry: FeedEntry) => void): () => void;
  close(): Promise<void>;
}
