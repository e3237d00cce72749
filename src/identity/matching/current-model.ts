import type { StoredModel } from './model-store';

/**
 * The model in force, as this process knows it: the newest saved version, read again once it is `refreshMs` old,
 * so a model `match:train` saved reaches every instance without a restart.
 */
export class CurrentModel {
  private cached: { at: number; model: StoredModel | null } | null = null;
  private loading: Promise<StoredModel | null> | null = null;

  constructor(
    private readonly load: () => Promise<StoredModel | null>,
    private readonly refreshMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async get(): Promise<StoredModel | null> {
    if (this.cached && this.now() - this.cached.at < this.refreshMs) return this.cached.model;
    this.loading ??= this.load().then(
      (model) => {
        this.cached = { at: this.now(), model };
        this.loading = null;
        return model;
      },
      (error: unknown) => {
        this.loading = null;
        throw error;
      },
    );
    return this.loading;
  }

  /** Forgets the cached model: the next read loads the newest (after a save in this process). */
  invalidate(): void {
    this.cached = null;
  }
}
