/**
 * Buffers what a listener pushes until its consumer pulls it. Bounded: a consumer that falls this far behind is
 * ended with `overflowError` (it can resubscribe from its last cursor) rather than holding memory without limit.
 */
export class EntryQueue<T> {
  private items: T[] = [];
  private waiting: { resolve(result: IteratorResult<T>): void; reject(error: Error): void } | null = null;
  private ended = false;
  private failure: Error | null = null;

  constructor(
    private readonly capacity: number,
    private readonly overflowError: () => Error,
  ) {}

  /** False when the queue has ended, by close or by this push overflowing it: its producer should stop. */
  push(item: T): boolean {
    if (this.ended) return false;
    if (this.waiting) {
      const waiting = this.waiting;
      this.waiting = null;
      waiting.resolve({ value: item, done: false });
      return true;
    }
    if (this.items.length >= this.capacity) {
      this.fail(this.overflowError());
      return false;
    }
    this.items.push(item);
    return true;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) return Promise.resolve({ value: this.items.shift()!, done: false });
    if (this.failure) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  /** Ends the queue; a consumer waiting for the next item gets `done`. */
  close(): void {
    this.ended = true;
    this.items = [];
    this.waiting?.resolve({ value: undefined, done: true });
    this.waiting = null;
  }

  private fail(error: Error): void {
    this.ended = true;
    this.failure = error;
    this.items = [];
  }
}
