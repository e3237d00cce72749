import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import type { Tx } from '../infra/neo4j/database';

export class SuppressionRepository {
  private readonly q;

  constructor(registry: CypherRegistry) {
    this.q = registry.bind({ find: 'privacy/find-suppressed', record: 'privacy/record-suppressions' });
  }

  async suppressedAmong(tx: Tx, hashes: string[]): Promise<Set<string>> {
    if (hashes.length === 0) return new Set();
    const rows = await tx.rows<{ hash: string }>(this.q.find, { hashes });
    return new Set(rows.map((row) => row.hash));
  }

  /** Returns how many of the hashes were new. */
  async record(tx: Tx, hashes: string[], requestId: string, now: string): Promise<number> {
    if (hashes.length === 0) return 0;
    const [row] = await tx.rows<{ created: number }>(this.q.record, { hashes, requestId, now });
    return row?.created ?? 0;
  }
}
