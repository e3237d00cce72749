import type { Tx } from '../infra/neo4j/database';
import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import type { CompiledSegment, SegmentCompiler } from './segment-compiler';
import { parseDefinition, type DefinitionLimits } from './segment-definition';
import type { MembershipChange } from '../kernel/membership-change';

/** What changed about a customer, as the keys of the dependency index; ALL after creation, merge or removal. */
export type Touch = { customerId: string; reads: ReadonlySet<string> | 'ALL' };

type LiveSegment = { id: string; version: number; reads: string[]; dependsOn: string[]; compiled: CompiledSegment };

/** Stored definitions were checked when saved; a purpose retired since must not stop evaluation. */
const STORED: DefinitionLimits = { purposes: null, maxWindowMs: Number.MAX_SAFE_INTEGER };

export type EvaluationSettings = { bucketMs: number };

/**
 * Incremental evaluation inside the caller's write transaction: for each touched customer, only the segments whose
 * dependency index intersects what changed, in dependency order (a segment that reads another is evaluated after
 * it, and sees the membership this transaction just decided). Returns the membership changes, to be published
 * once the transaction has committed.
 */
export class SegmentEvaluator {
  private readonly q;
  /** Compiled statements by `id@version`: definitions never change under a version. */
  private readonly compiled = new Map<string, CompiledSegment>();

  constructor(
    registry: CypherRegistry,
    private readonly compiler: SegmentCompiler,
    private readonly settings: EvaluationSettings,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.q = registry.bind({ active: 'segments/active', leaveAll: 'segments/leave-all' });
  }

  async evaluateIn(tx: Tx, touches: Touch[]): Promise<MembershipChange[]> {
    if (touches.length === 0) return [];
    const segments = await this.liveSegments(tx);
    if (segments.length === 0) return [];
    const reads = new Map<string, Set<string> | 'ALL'>();
    for (const touch of touches) {
      const known = reads.get(touch.customerId);
      if (known === 'ALL' || touch.reads === 'ALL') reads.set(touch.customerId, 'ALL');
      else reads.set(touch.customerId, new Set([...(known ?? []), ...touch.reads]));
    }
    const changes: MembershipChange[] = [];
    for (const segment of segments) {
      const customerIds = [...reads].flatMap(([customerId, keys]) =>
        keys === 'ALL' || segment.reads.some((key) => keys.has(key)) ? [customerId] : [],
      );
      const decided = await this.run(tx, segment, customerIds);
      for (const change of decided) {
        // Segments that read this one see the change as something that changed about the customer.
        const keys = reads.get(change.customerId);
        if (keys !== 'ALL') keys!.add(`segment:${segment.id}`);
      }
      changes.push(...decided);
    }
    return changes;
  }

  /** Customers about to be removed (erasure) leave every segment, whatever the definitions say. */
  async leaveAllIn(tx: Tx, customerIds: string[]): Promise<MembershipChange[]> {
    const rows = await tx.rows<{ customerId: string; segmentId: string; sequence: number }>(this.q.leaveAll, { ids: customerIds });
    const at = this.clock().toISOString();
    return rows.map((row) => ({ ...row, change: 'EXITED' as const, at }));
  }

  /** One segment for given customers (whole-population evaluation, the window scheduler), then what reads it. */
  async evaluateSegmentIn(tx: Tx, segmentId: string, customerIds: string[]): Promise<MembershipChange[]> {
    const segments = await this.liveSegments(tx);
    const segment = segments.find((s) => s.id === segmentId);
    if (!segment) return [];
    const changes = await this.run(tx, segment, customerIds);
    const dependents = changes.map((c) => ({ customerId: c.customerId, reads: new Set([`segment:${segmentId}`]) }));
    return [...changes, ...(await this.evaluateIn(tx, dependents))];
  }

  private async run(tx: Tx, segment: LiveSegment, customerIds: string[]): Promise<MembershipChange[]> {
    if (customerIds.length === 0) return [];
    const now = this.clock();
    const rows = await tx.rows<{ customerId: string; change: 'ENTERED' | 'EXITED'; sequence: number }>(segment.compiled.statement, {
      ...segment.compiled.params,
      segmentId: segment.id,
      customerIds,
      now: now.getTime(),
      nowIso: now.toISOString(),
      bucketMs: this.settings.bucketMs,
    });
    const at = now.toISOString();
    return rows.map((row) => ({ segmentId: segment.id, customerId: row.customerId, change: row.change, at, sequence: row.sequence }));
  }

  /** Read in each transaction, so a segment made on another instance counts at once; compiled once per version. */
  private async liveSegments(tx: Tx): Promise<LiveSegment[]> {
    const rows = await tx.rows<{ id: string; version: number; definition: string; reads: string[]; dependsOn: string[] }>(this.q.active);
    const live = rows.map((row) => ({ ...row, compiled: this.compile(row.id, row.version, row.definition) }));
    return dependencyOrder(live);
  }

  private compile(id: string, version: number, definition: string): CompiledSegment {
    const key = `${id}@${version}`;
    let compiled = this.compiled.get(key);
    if (!compiled) {
      compiled = this.compiler.compile(parseDefinition(JSON.parse(definition), STORED));
      this.compiled.set(key, compiled);
    }
    return compiled;
  }
}

/** Segments a segment reads come before it; creation refuses cycles, so the order always exists. */
export function dependencyOrder<S extends { id: string; dependsOn: string[] }>(segments: S[]): S[] {
  const byId = new Map(segments.map((s) => [s.id, s]));
  const ordered: S[] = [];
  const placed = new Set<string>();
  const visiting = new Set<string>();
  const place = (segment: S) => {
    if (placed.has(segment.id) || visiting.has(segment.id)) return;
    visiting.add(segment.id);
    for (const id of segment.dependsOn) {
      const dependency = byId.get(id);
      if (dependency) place(dependency);
    }
    visiting.delete(segment.id);
    placed.add(segment.id);
    ordered.push(segment);
  };
  [...segments].sort((a, b) => a.id.localeCompare(b.id)).forEach(place);
  return ordered;
}
