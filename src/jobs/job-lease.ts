import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import type { Database } from '../infra/neo4j/database';

/**
 * A job's lease, one (:JobLease) node per job name. Timed by the database's clock only: an instance whose clock is
 * skewed (or injected) neither keeps a lapsed lease nor takes a live one.
 */
export class JobLeases {
  private readonly q;

  constructor(
    private readonly db: Database,
    registry: CypherRegistry,
  ) {
    this.q = registry.bind({ take: 'jobs/take-lease', renew: 'jobs/renew-lease', release: 'jobs/release-lease' });
  }

  /** True when `holder` now holds the job's lease for `leaseMs`: it was free, lapsed, or already its own. */
  async take(job: string, holder: string, leaseMs: number): Promise<boolean> {
    const rows = await this.db.write((tx) => tx.rows(this.q.take, { job, holder, leaseMs }));
    return rows.length > 0;
  }

  /** False when the lease is no longer `holder`'s (it lapsed and another instance took it over). */
  async renew(job: string, holder: string, leaseMs: number): Promise<boolean> {
    const rows = await this.db.write((tx) => tx.rows(this.q.renew, { job, holder, leaseMs }));
    return rows.length > 0;
  }

  async release(job: string, holder: string): Promise<void> {
    await this.db.write((tx) => tx.rows(this.q.release, { job, holder }));
  }
}
