import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import type { Database, Tx } from '../infra/neo4j/database';

export type SegmentStatus = 'EVALUATING' | 'READY' | 'DELETING';

export type SegmentRow = {
  id: string;
  name: string;
  description: string | null;
  definition: string;
  version: number;
  reads: string[];
  dependsOn: string[];
  status: SegmentStatus;
  evaluated: number;
  total: number;
  size?: number;
  createdAt: string;
  updatedAt: string;
  evaluatedAt?: string | null;
};

export type SegmentWrite = { id: string; name: string; description: string | null; definition: string; reads: string[]; dependsOn: string[] };

/** Segments as stored: the definition as JSON text, its dependency index, and progress of whole-population runs. */
export class SegmentRepository {
  private readonly q;

  constructor(
    private readonly db: Database,
    registry: CypherRegistry,
  ) {
    this.q = registry.bind({
      active: 'segments/active',
      lockCatalog: 'segments/lock-catalog',
      create: 'segments/create',
      update: 'segments/update',
      markDeleted: 'segments/mark-deleted',
      byIds: 'segments/by-ids',
      readsByIds: 'segments/reads-by-ids',
      existing: 'segments/existing',
      page: 'segments/page',
      members: 'segments/members',
      ofCustomers: 'segments/of-customers',
    });
  }

  /** Every live segment's dependencies and what it reads, read under the catalog lock (held until the transaction ends). */
  async lockedLive(tx: Tx): Promise<Pick<SegmentRow, 'id' | 'dependsOn' | 'reads'>[]> {
    await tx.rows(this.q.lockCatalog);
    return tx.rows(this.q.active);
  }

  /** `holder`: the instance that will evaluate it (it holds the lease from the start). */
  async create(tx: Tx, segment: SegmentWrite, actor: string, holder: string, now: string): Promise<SegmentRow> {
    const [row] = await tx.rows<{ segment: SegmentRow }>(this.q.create, { ...segment, actor, holder, now });
    return row.segment;
  }

  async update(tx: Tx, id: string, change: Partial<Omit<SegmentWrite, 'id'>>, holder: string, now: string): Promise<SegmentRow | null> {
    const [row] = await tx.rows<{ segment: SegmentRow }>(this.q.update, {
      id,
      name: change.name ?? null,
      description: change.description ?? null,
      definition: change.definition ?? null,
      reads: change.reads ?? null,
      dependsOn: change.dependsOn ?? null,
      holder,
      now,
    });
    return row?.segment ?? null;
  }

  async markDeleted(tx: Tx, id: string, holder: string, now: string): Promise<SegmentRow | null> {
    const [row] = await tx.rows<{ segment: SegmentRow }>(this.q.markDeleted, { id, holder, now });
    return row?.segment ?? null;
  }

  async byIds(ids: readonly string[]): Promise<Map<string, SegmentRow>> {
    const rows = await this.db.read<{ segment: SegmentRow }>(this.q.byIds, { ids });
    return new Map(rows.map((r) => [r.segment.id, r.segment]));
  }

  /** What each live segment among `ids` reads (cheaper than byIds: no sizes). */
  async readsByIds(ids: readonly string[]): Promise<Map<string, Pick<SegmentRow, 'id' | 'reads'>>> {
    const rows = await this.db.read<Pick<SegmentRow, 'id' | 'reads'>>(this.q.readsByIds, { ids });
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** Which of `ids` name live segments (cheaper than byIds: no sizes). */
  async existing(ids: readonly string[]): Promise<Set<string>> {
    const rows = await this.db.read<{ id: string }>(this.q.existing, { ids });
    return new Set(rows.map((r) => r.id));
  }

  async page(limit: number, after: { name: string; id: string } | null): Promise<SegmentRow[]> {
    const rows = await this.db.read<{ segment: SegmentRow }>(this.q.page, { limit, afterName: after?.name ?? '', afterId: after?.id ?? '' });
    return rows.map((r) => r.segment);
  }

  /** `purpose`: only members who consent to it (a purpose-bound reader's), or everyone when null. */
  async members(id: string, limit: number, after: string, purpose: string | null): Promise<{ customerId: string; since: string }[]> {
    return this.db.read(this.q.members, { id, limit, after, purpose });
  }

  async ofCustomers(ids: readonly string[]): Promise<{ customerId: string; segmentId: string; since: string }[]> {
    return this.db.read(this.q.ofCustomers, { ids });
  }
}
