import type { CauseKind } from '../identity/cause-kind';
import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import type { Database } from '../infra/neo4j/database';

export type CustomerRow = {
  id: string;
  status: 'ACTIVE' | 'MERGED';
  createdAt: Date;
  updatedAt: Date;
  attributeLineage: string | null;
} & Record<string, unknown>;

export type IdentifierRow = {
  customerId: string;
  type: string;
  value: string;
  link: {
    firstSeen: Date;
    lastSeen: Date;
    linkedAt: Date;
    source: string;
    causeKind: CauseKind;
    cause: string;
    ruleVersion: number;
    originalCustomerId?: string | null;
  };
};

export type CustomerPageArgs = {
  limit: number;
  after: string | null;
  status: 'ACTIVE' | 'MERGED';
  updatedSince: Date | null;
  country: string | null;
  identifierType: string | null;
};

const related = {
  identifiers: 'customers/identifiers',
  devices: 'customers/devices',
  consents: 'customers/consents',
  sourceRecords: 'customers/source-records',
  mergeHistory: 'customers/merge-history',
  conflicts: 'customers/conflicts',
} as const;
export type Relation = keyof typeof related;

/** Batched reads of customers and what hangs off them: one query per kind of thing, for many customers. */
export class CustomerRepository {
  private readonly q;

  constructor(
    private readonly db: Database,
    registry: CypherRegistry,
  ) {
    this.q = registry.bind({
      byIds: 'customers/by-ids',
      byIdentifierKeys: 'customers/by-identifier-keys',
      page: 'customers/page',
      ...related,
    });
  }

  /** Keyed by the id asked for; an absorbed id maps to its survivor's row. */
  async byIds(ids: readonly string[]): Promise<Map<string, CustomerRow>> {
    const rows = await this.db.read<{ askedId: string; customer: CustomerRow }>(this.q.byIds, { ids });
    return new Map(rows.map((row) => [row.askedId, row.customer]));
  }

  /** A page of customers in creation order, after the customer id `after`. */
  async page(args: CustomerPageArgs): Promise<CustomerRow[]> {
    const rows = await this.db.read<{ customer: CustomerRow }>(this.q.page, {
      limit: args.limit,
      after: args.after ?? '',
      status: args.status,
      updatedSince: args.updatedSince?.toISOString() ?? null,
      country: args.country,
      identifierType: args.identifierType,
    });
    return rows.map((row) => row.customer);
  }

  async customerIdsByIdentifierKeys(keys: readonly string[]): Promise<Map<string, string>> {
    const rows = await this.db.read<{ key: string; customerId: string }>(this.q.byIdentifierKeys, { keys });
    return new Map(rows.map((row) => [row.key, row.customerId]));
  }

  /** Rows of one relation for many customers, grouped by customer id in the order the query sorted them. */
  async relation<Row extends { customerId: string }>(relation: Relation, ids: readonly string[]): Promise<Map<string, Row[]>> {
    const rows = await this.db.read<Row>(this.q[relation], { ids });
    const grouped = new Map<string, Row[]>();
    for (const row of rows) {
      const list = grouped.get(row.customerId) ?? [];
      list.push(row);
      grouped.set(row.customerId, list);
    }
    return grouped;
  }
}
