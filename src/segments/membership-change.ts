/** A customer entered or left a segment; decided inside the transaction that changed the customer, published after commit. */
export type MembershipChange = {
  segmentId: string;
  customerId: string;
  change: 'ENTERED' | 'EXITED';
  /** ISO time of the evaluation that decided it. Plain JSON so it crosses process boundaries. */
  at: string;
};

/** A change as the durable feed holds it: the cursor orders every change of the feed, across instances. */
export type FeedEntry = MembershipChange & { cursor: string };
