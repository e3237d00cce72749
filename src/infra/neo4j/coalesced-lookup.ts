import DataLoader from 'dataloader';

const MAX_GROUPS = 1_000;

/**
 * Lookups by key that arrive in the same turn of the event loop, from any number of requests, reach Neo4j as one
 * query: under load, a burst of profile reads costs one round trip instead of one each (the statement takes a
 * list of keys anyway). Nothing is cached: a lookup gets what the database holds when its batch runs, and what one
 * request reads never answers another later. Each request keeps its own loaders (and their cache) above this.
 */
export class CoalescedLookup<G, V> {
  private readonly groups = new Map<string, DataLoader<string, V | null>>();

  constructor(
    private readonly fetch: (keys: readonly string[], group: G) => Promise<Map<string, V>>,
    /** Most keys per query; more in one turn make several. */
    private readonly maxBatch: number,
  ) {}

  /**
   * The values found for `keys`, fetched with those of every lookup of the same group this turn. `group` says what
   * to read (e.g. a selection), and `groupKey` names it: lookups that read the same share a query.
   */
  async load(groupKey: string, group: G, keys: readonly string[]): Promise<Map<string, V>> {
    const values = await this.loader(groupKey, group).loadMany(keys);
    const found = new Map<string, V>();
    values.forEach((value, i) => {
      if (value instanceof Error) throw value;
      if (value !== null) found.set(keys[i]!, value);
    });
    return found;
  }

  private loader(groupKey: string, group: G): DataLoader<string, V | null> {
    let loader = this.groups.get(groupKey);
    if (!loader) {
      // Groups come from what clients select: never let their number grow without bound. A loader dropped here
      // still dispatches the batch it has queued; the next lookup of its group starts a new one.
      if (this.groups.size >= MAX_GROUPS) this.groups.clear();
      loader = new DataLoader<string, V | null>(
        async (keys) => {
          // Two requests may ask for the same key in one turn: it is read once, and both get that row.
          const found = await this.fetch([...new Set(keys)], group);
          return keys.map((key) => found.get(key) ?? null);
        },
        // setImmediate, not DataLoader's default (the end of the current job): requests parsed in the same I/O
        // phase each reach their resolver in a job of their own, and only meet after it.
        { cache: false, maxBatchSize: this.maxBatch, batchScheduleFn: (run) => setImmediate(run) },
      );
      this.groups.set(groupKey, loader);
    }
    return loader;
  }
}
