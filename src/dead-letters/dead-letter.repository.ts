import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import type { Database, Tx } from '../infra/neo4j/database';
import type { DeadLetter, DeadLetterStatus, NewDeadLetter } from './dead-letter';

export type DeadLetterPageArgs = {
  limit: number;
  /** sortKey of the last letter of the previous page. */
  after: string | null;
  status: DeadLetterStatus | null;
  source: string | null;
};

export class DeadLetterRepository {
  private readonly q;

  constructor(
    private readonly db: Database,
    registry: CypherRegistry,
  ) {
    this.q = registry.bind({
      record: 'dead-letters/record',
      resolve: 'dead-letters/resolve',
      page: 'dead-letters/page',
      byId: 'dead-letters/by-id',
    });
  }

  async record(tx: Tx, letters: NewDeadLetter[], now: string): Promise<void> {
    if (letters.length > 0) await tx.rows(this.q.record, { letters, now });
  }

  async resolve(tx: Tx, letters: { id: string; customerId: string }[], now: string): Promise<void> {
    if (letters.length > 0) await tx.rows(this.q.resolve, { letters, now });
  }

  async page(args: DeadLetterPageArgs): Promise<DeadLetter[]> {
    const rows = await this.db.read<{ letter: DeadLetter }>(this.q.page, {
      limit: args.limit,
      status: args.status,
      source: args.source,
      after: args.after ?? '',
    });
    return rows.map((row) => withDefaults(row.letter));
  }

  async byId(id: string): Promise<DeadLetter | null> {
    const [row] = await this.db.read<{ letter: DeadLetter }>(this.q.byId, { id });
    return row ? withDefaults(row.letter) : null;
  }
}

const withDefaults = (letter: DeadLetter): DeadLetter => ({
  ...letter,
  messageId: letter.messageId ?? null,
  source: letter.source ?? null,
  resolvedCustomerId: letter.resolvedCustomerId ?? null,
});
