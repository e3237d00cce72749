/** A customer's profile changed; published after the transaction that changed it committed. */
export type CustomerChange = {
  customerId: string;
  change: 'CREATED' | 'UPDATED' | 'MERGED' | 'UNMERGED';
  /** For MERGED: the survivor it now resolves to. */
  mergedInto: string | null;
  /** ISO time; the wire payload stays plain JSON so it can cross process boundaries later. */
  at: string;
};
