/**
 * Reads an in-process PubSub subscription into a queue from the moment it is created, so a test awaits the next
 * event (no sleeps) and proves "nothing in between" by the order in which events come.
 */
export class EventTap<T> {
  private readonly queue: T[] = [];
  private readonly waiters: ((event: T) => void)[] = [];
  private readonly iterator: AsyncIterator<T>;

  constructor(source: AsyncIterable<T>) {
    this.iterator = source[Symbol.asyncIterator]();
    void this.pump();
  }

  next(): Promise<T> {
    const queued = this.queue.shift();
    return queued !== undefined ? Promise.resolve(queued) : new Promise((resolve) => this.waiters.push(resolve));
  }

  async stop(): Promise<void> {
    await this.iterator.return?.();
  }

  private async pump() {
    for (;;) {
      const { value, done } = await this.iterator.next();
      if (done) return;
      const waiter = this.waiters.shift();
      if (waiter) waiter(value);
      else this.queue.push(value);
    }
  }
}
