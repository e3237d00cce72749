import type { Tx } from '../infra/neo4j/database';
import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import type { CompiledSegment, SegmentCompiler } from './segment-compiler';
import { parseDefinition, type DefinitionLimits } from './segment-definition';
import type { Touch } from '../writes/effects';
import type { MembershipChange } from '../kernel/membership-change';
import { sentTogether } from '../infra/neo4j/sent-together';

type LiveSegment = { id: string; version: number; reads: string[]; dependsOn: string[]; compiled: CompiledSegment };

/** Stored definitions were checked when saved; a purpose retired since must not stop evaluation. */
const STORED: DefinitionLimits = { purposes: null, identifierTypes: null, maxWindowMs: Number.MAX_SAFE_INTEGER };

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

  async evaluateIn(tx: Tx, touches: readonly Touch[]): Promise<MembershipChange[]> {
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
    // A level at a time: the segments a segment reads are decided in an earlier one, and their changes count as
    // something that changed about the customer when the customers of the next level are chosen.
    for (const level of dependencyLevels(segments)) {
      const due = level.flatMap((segment) => {
        const customerIds = [...reads].flatMap(([customerId, keys]) =>
          keys === 'ALL' || segment.reads.some((key) => keys.has(key)) ? [customerId] : [],
        );
        return customerIds.length === 0 ? [] : [{ segment, customerIds }];
      });
      const decided = await this.run(tx, due);
      for (const change of decided) {
        const keys = reads.get(change.customerId);
        if (keys !== 'ALL') keys!.add(`segment:${change.segmentId}`);
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
    const changes = customerIds.length === 0 ? [] : await this.run(tx, [{ segment, customerIds }]);
    const dependents = changes.map((c) => ({ customerId: c.customerId, reads: new Set([`segment:${segmentId}`]) }));
    return [...changes, ...(await this.evaluateIn(tx, dependents))];
  }

  /**
   * Segments that read none of each other, each for its customers: one statement per compiled shape, sent together
   * (Neo4j runs them in the order sent; the client waits once). A customer's changes are numbered in the order given.
   */
  private async run(tx: Tx, due: readonly { segment: LiveSegment; customerIds: string[] }[]): Promise<MembershipChange[]> {
    if (due.length === 0) return [];
    const now = this.clock();
    const at = now.toISOString();
    const byShape = new Map<string, typeof due[number][]>();
    for (const item of due) byShape.set(item.segment.compiled.statement, [...(byShape.get(item.segment.compiled.statement) ?? []), item]);
    const sent = [...byShape].map(([statement, items]) =>
      tx.rows<{ segmentId: string; customerId: string; change: 'ENTERED' | 'EXITED'; sequence: number }>(statement, {
        segments: items.map(({ segment, customerIds }) => ({ ...segment.compiled.params, segmentId: segment.id, customerIds })),
        now: now.getTime(),
        nowIso: at,
        bucketMs: this.settings.bucketMs,
      }),
    );
    await sentTogether(sent);
    const rows = (await Promise.all(sent)).flat();
    return rows.map((row) => ({ segmentId: row.segmentId, customerId: row.customerId, change: row.change, at, sequence: row.sequence }));
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

/**
 * The segments in levels: the first reads no other segment, each later one only segments of earlier levels (each
 * level in dependency order, so evaluating level by level keeps that order).
 */
export function dependencyLevels<S extends { id: string; dependsOn: string[] }>(segments: S[]): S[][] {
  const ordered = dependencyOrder(segments);
  const levelOf = new Map<string, number>();
  const levels: S[][] = [];
  for (const segment of ordered) {
    const level = Math.max(-1, ...segment.dependsOn.map((id) => levelOf.get(id) ?? -1)) + 1;
    levelOf.set(segment.id, level);
    (levels[level] ??= []).push(segment);
  }
  return levels;
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
