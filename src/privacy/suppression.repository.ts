import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import type { Tx } from '../infra/neo4j/database';

export class SuppressionRepository {
  private readonly q;

  constructor(registry: CypherRegistry) {
    this.q = registry.bind({ find: 'privacy/find-suppressed', record: 'privacy/record-suppressions' });
  }

  /**
   * Which of the hashes are suppressed, each with whether it was stored before record keys had their parts escaped
   * (`legacy`): such a hash may be of a record's old, unescaped key, which only the record's old key can match.
   */
  async suppressedAmong(tx: Tx, hashes: string[]): Promise<Map<string, { legacy: boolean }>> {
    if (hashes.length === 0) return new Map();
    const rows = await tx.rows<{ hash: string; legacy: boolean }>(this.q.find, { hashes });
    return new Map(rows.map((row) => [row.hash, { legacy: row.legacy }]));
  }

  /** Returns how many of the hashes were new. */
  async record(tx: Tx, hashes: string[], requestId: string, now: string): Promise<number> {
    if (hashes.length === 0) return 0;
    const [row] = await tx.rows<{ created: number }>(this.q.record, { hashes, requestId, now });
    return row?.created ?? 0;
  }
}
