/** A customer entered or left a segment; decided inside the transaction that changed the customer, published after commit. */
export type MembershipChange = {
  segmentId: string;
  customerId: string;
  change: 'ENTERED' | 'EXITED';
  /** ISO time of the evaluation that decided it. Plain JSON so it crosses process boundaries. */
  at: string;
  /**
   * Counts the customer's membership changes (all segments), raised under the customer's lock in the transaction
   * that decided the change. Appends after commit are not ordered across transactions: of two changes of one
   * customer and segment, the higher sequence is the newer, whatever order they reach the feed in.
   */
  sequence: number;
};

/** A change as the durable feed holds it: the cursor orders every change of the feed, across instances. */
export type FeedEntry = MembershipChange & { cursor: string };
