/**
 * Long runs of this instance, one at most per key (a segment's whole-population evaluation, an erasure request),
 * each in the background. The run holds its item's lease in the database and renews it as it goes; a job's tick
 * finds items whose lease lapsed (their instance died) and starts them here.
 */
export class KeyedRuns {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private stopped = false;

  constructor(
    private readonly run: (key: string) => Promise<void>,
    private readonly options: {
      /** A start while the key's run is in progress runs it once more after (the run may be past what changed). */
      againIfRunning?: boolean;
      /** A run that threw; the item stays pending in the database, so a later tick (or instance) resumes it. */
      onError?: (error: unknown, key: string) => void;
    } = {},
  ) {}

  /** Starts the key's run in the background, unless it is running already; nothing once stopped. */
  start(key: string): void {
    if (this.stopped) return;
    if (this.running.has(key)) {
      if (this.options.againIfRunning) this.again.add(key);
      return;
    }
    const run = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.run(key))
      .catch((error: unknown) => this.options.onError?.(error, key))
      .finally(() => {
        this.running.delete(key);
        if (this.again.delete(key)) this.start(key);
      });
    this.running.set(key, run);
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Resolves when this instance's run of the key is over (at once if none is running here). */
  settled(key: string): Promise<void> {
    return this.running.get(key) ?? Promise.resolve();
  }

  /** Waits for the runs in progress, and for those they start again. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  /** No new runs; waits for those in progress (a run may look at `isStopped` to end at its next batch). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.drain();
  }
}
