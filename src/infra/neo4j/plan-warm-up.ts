import neo4j, { type Driver } from 'neo4j-driver';

type Params = Record<string, unknown>;

/**
 * After Neo4j (re)starts, its JVM is cold and its plan cache empty: each query's first run plans it, and the first
 * read after a restart took 7 to 27 s, the first write 12 to 15 s (the more load, the longer). Before requests are let
 * through again, the queries this process ran most are run once with parameters of the same types but no values, in
 * transactions that are rolled back: that plans them (EXPLAIN does not fill the plan cache). What the budget leaves
 * unplanned is planned by the requests that need it.
 */
const LIMITS = { queries: 64, concurrency: 2, budgetMs: 15_000, remembered: 512 };

/** A value of the same Cypher type as `value` that holds nothing of it: the warm-up plans with these, never with data. */
export function shapeOf(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return '';
  if (typeof value === 'number') return 0;
  if (typeof value === 'boolean') return false;
  if (depth > 8) return null;
  if (Array.isArray(value)) return value.length > 0 ? [shapeOf(value[0], depth + 1)] : [];
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, shapeOf(inner, depth + 1)]));
  }
  return null;
}

/** Remembers which queries a process runs (and the types of their parameters), to plan them again after an outage. */
export class PlanWarmUp {
  private readonly used = new Map<string, { count: number; shape: Params }>();

  /** On every query; the shape is taken once per query, so the hot path pays a map lookup. */
  remember(query: string, params: Params): void {
    const use = this.used.get(query);
    if (use) use.count += 1;
    else if (this.used.size < LIMITS.remembered) this.used.set(query, { count: 1, shape: shapeOf(params) as Params });
  }

  /** Plans the most used queries, a few at a time; returns how many ran before the budget was spent. */
  async run(driver: Driver, database: string): Promise<number> {
    const deadline = Date.now() + LIMITS.budgetMs;
    const queue = [...this.used].sort(([, a], [, b]) => b.count - a.count).slice(0, LIMITS.queries);
    let planned = 0;
    const worker = async () => {
      for (let next = queue.shift(); next && Date.now() < deadline; next = queue.shift()) {
        if (await planOnce(driver, database, next[0], next[1].shape)) planned += 1;
      }
    };
    await Promise.all(Array.from({ length: LIMITS.concurrency }, worker));
    return planned;
  }
}

async function planOnce(driver: Driver, database: string, query: string, shape: Params): Promise<boolean> {
  const session = driver.session({ database, defaultAccessMode: neo4j.session.WRITE });
  // No transaction timeout: Neo4j checks it only after planning, and a terminated query leaves no plan behind.
  const tx = session.beginTransaction();
  try {
    await tx.run(query, shape);
    return true;
  } catch {
    // Empty values may break a query's assumptions, and some cannot run in a transaction: planned or not, go on.
    return false;
  } finally {
    await tx.rollback().catch(() => undefined);
    await session.close();
  }
}
