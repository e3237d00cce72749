import { v7 as uuidv7 } from 'uuid';
import type { Database, Tx } from '../infra/neo4j/database';
import { BadUserInputError, NotFoundError } from '../shared/errors';
import type { DefinitionLimits, Rule } from './segment-definition';
import { InvalidDefinition, parseDefinition, readsOf, segmentsNamed, walk } from './segment-definition';
import { attributesDecidingOn, DecidedOnMaskedValues, type Author, type SegmentsById } from './segment-disclosure';
import { inspectJson } from '../shared/json-tree';
import { textFault } from '../shared/well-formed-text';
import type { SegmentCompiler } from './segment-compiler';
import type { SegmentPopulation } from './segment-population';
import type { SegmentRepository, SegmentRow } from './segment.repository';

const MAX_NAME = 200;
const MAX_DESCRIPTION = 2000;
const MAX_DEFINITION_BYTES = 64 * 1024;
/** Twelve rule levels (see segment-definition.ts) take at most about 30 JSON levels. */
const MAX_DEFINITION_DEPTH = 40;

const tooLarge = () =>
  new BadUserInputError(`definition must be JSON of at most ${MAX_DEFINITION_BYTES} bytes`, { argument: 'definition', path: 'definition' });

export type SegmentInput = { name: string; description?: string | null; definition: unknown };
type LiveSegment = Pick<SegmentRow, 'id' | 'dependsOn' | 'reads'>;

/**
 * Segments: definitions checked and compiled before they are stored, versioned on change, and evaluated over the
 * whole population in the background (SegmentPopulation) while changes keep being evaluated incrementally.
 */
export class SegmentService {
  constructor(
    private readonly db: Database,
    private readonly repository: SegmentRepository,
    private readonly compiler: SegmentCompiler,
    private readonly population: SegmentPopulation,
    private readonly limits: DefinitionLimits,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async create(input: SegmentInput, author: Author): Promise<SegmentRow> {
    const id = uuidv7();
    const name = this.name(input.name);
    const description = this.description(input.description);
    const segment = await this.db.write(async (tx) => {
      const checked = await this.check(tx, input.definition, id, await this.repository.lockedLive(tx), author);
      return this.repository.create(tx, { id, name, description, ...checked }, author.subject, this.population.holder, this.clock().toISOString());
    });
    this.population.start(segment.id);
    return { ...segment, size: 0 };
  }

  async update(id: string, input: Partial<SegmentInput>, author: Author): Promise<SegmentRow> {
    const name = input.name === undefined || input.name === null ? undefined : this.name(input.name);
    const description = input.description === undefined ? undefined : this.description(input.description);
    const segment = await this.db.write(async (tx) => {
      const checked =
        input.definition === undefined || input.definition === null
          ? {}
          : await this.check(tx, input.definition, id, await this.repository.lockedLive(tx), author);
      const updated = await this.repository.update(tx, id, { name, description, ...checked }, this.population.holder, this.clock().toISOString());
      if (!updated) throw new NotFoundError(`No segment ${id}`, { argument: 'id' });
      return updated;
    });
    if (input.definition !== undefined && input.definition !== null) this.population.start(id);
    return (await this.repository.byIds([id])).get(id) ?? segment;
  }

  /** Refused while another segment reads this one; otherwise every member leaves (EXITED) and the segment goes. */
  async delete(id: string): Promise<SegmentRow> {
    const segment = await this.db.write(async (tx) => {
      const readers = (await this.repository.lockedLive(tx)).filter((s) => s.dependsOn.includes(id)).map((s) => s.id);
      if (readers.length > 0) {
        throw new BadUserInputError(`Segment ${id} is read by ${readers.join(', ')}; change or delete those first`, { argument: 'id', readBy: readers });
      }
      const deleted = await this.repository.markDeleted(tx, id, this.population.holder, this.clock().toISOString());
      if (!deleted) throw new NotFoundError(`No segment ${id}`, { argument: 'id' });
      return deleted;
    });
    this.population.start(id);
    return segment;
  }

  private async check(tx: Tx, definition: unknown, id: string, live: LiveSegment[], author: Author) {
    let json: unknown = definition;
    if (typeof definition === 'string') {
      if (Buffer.byteLength(definition) > MAX_DEFINITION_BYTES) throw tooLarge();
      try {
        json = JSON.parse(definition);
      } catch {
        throw new InvalidDefinition('definition', 'is not valid JSON');
      }
    }
    // Before anything serialises it: JSON.stringify recurses, and a JSON argument can nest thousands of levels.
    const inspection = inspectJson(json, MAX_DEFINITION_DEPTH, 'definition');
    if (inspection.tooDeep) throw new InvalidDefinition(inspection.tooDeep, `nests deeper than ${MAX_DEFINITION_DEPTH} levels`);
    if (inspection.text) throw new InvalidDefinition(inspection.text.path, `${inspection.text.inKey ? 'has a key that ' : ''}${inspection.text.fault}`);
    const text = JSON.stringify(json);
    if (text === undefined || Buffer.byteLength(text) > MAX_DEFINITION_BYTES) throw tooLarge();
    const rule = parseDefinition(json, this.limits);
    const dependsOn = segmentsNamed(rule);
    const known = new Set(live.map((s) => s.id));
    for (const other of dependsOn) {
      if (other === id) throw new InvalidDefinition(segmentPath(json, other), 'a segment cannot contain itself');
      if (!known.has(other)) throw new InvalidDefinition(segmentPath(json, other), `no segment ${other}`);
    }
    const graph = [...live.filter((s) => s.id !== id), { id, dependsOn }];
    if (reaches(graph, dependsOn, id)) throw new InvalidDefinition(segmentPath(json, dependsOn.find((d) => reaches(graph, [d], id))!), 'would make a cycle of segments');
    await assertMayDefine(json, rule, live, author);
    // A definition Neo4j cannot plan is never stored: a live segment that failed would fail every ingest.
    const compiled = this.compiler.compile(rule);
    await tx.rows(compiled.explain, { segments: [{ ...compiled.params, segmentId: id, customerIds: [] }], now: 0, nowIso: new Date(0).toISOString(), bucketMs: 1 });
    return { definition: text, reads: readsOf(rule), dependsOn };
  }

  private name(name: string): string {
    const trimmed = name.trim();
    if (trimmed === '' || trimmed.length > MAX_NAME) throw new BadUserInputError(`name must be 1 to ${MAX_NAME} characters`, { argument: 'name' });
    const fault = textFault(trimmed);
    if (fault) throw new BadUserInputError(`name ${fault}`, { argument: 'name' });
    return trimmed;
  }

  private description(description: string | null | undefined): string | null {
    if (description === null || description === undefined) return null;
    if (description.length > MAX_DESCRIPTION) throw new BadUserInputError(`description must be at most ${MAX_DESCRIPTION} characters`, { argument: 'description' });
    const fault = textFault(description);
    if (fault) throw new BadUserInputError(`description ${fault}`, { argument: 'description' });
    return description;
  }
}

/** Whether following dependsOn from `from` arrives at `target`. */
function reaches(graph: { id: string; dependsOn: string[] }[], from: string[], target: string): boolean {
  const byId = new Map(graph.map((s) => [s.id, s.dependsOn]));
  const seen = new Set<string>();
  const stack = [...from];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (next === target) return true;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(byId.get(next) ?? []));
  }
  return false;
}

/**
 * A rule may compare only what its author reads as stored (pii:read, or a mask that keeps the value), and may name
 * only segments decided on such attributes: otherwise a size or a member list would answer, a guess at a time, what
 * the author is shown masked. Checked before anything is stored.
 */
async function assertMayDefine(json: unknown, rule: Rule, live: LiveSegment[], author: Author): Promise<void> {
  const byId = new Map(live.map((s) => [s.id, s]));
  const load: SegmentsById = async (ids) => ids.map((id) => byId.get(id) ?? null);
  for (const node of walk(rule)) {
    if (node.kind === 'attribute' && !author.readsInClear(node.attribute)) {
      const path = pathOf(json, (n) => n.attribute === node.attribute, 'attribute');
      throw new DecidedOnMaskedValues(
        `Segment definition at ${path} compares ${node.attribute}, which you may not read in clear (pii:read): a rule may compare only what its author reads unmasked`,
        [node.attribute],
        { argument: 'definition', path },
      );
    }
    if (node.kind === 'segment') {
      const hidden = (await attributesDecidingOn([`segment:${node.segmentId}`], load)).filter((attribute) => !author.readsInClear(attribute));
      if (hidden.length > 0) {
        const path = segmentPath(json, node.segmentId);
        throw new DecidedOnMaskedValues(
          `Segment definition at ${path} names segment ${node.segmentId}, which is decided on ${hidden.join(', ')}: you may not read that in clear (pii:read)`,
          hidden,
          { argument: 'definition', path },
        );
      }
    }
  }
}

const segmentPath = (json: unknown, segmentId: string) => pathOf(json, (node) => node.segment === segmentId, 'segment');

/** The path of the first node `matches` (e.g. `definition.all[1].segment`), for the error; `definition` if none does. */
function pathOf(json: unknown, matches: (node: Record<string, unknown>) => boolean, key: string): string {
  const find = (value: unknown, path: string): string | null => {
    if (typeof value !== 'object' || value === null) return null;
    const node = value as Record<string, unknown>;
    if (matches(node)) return `${path}.${key}`;
    for (const list of ['all', 'any'] as const) {
      if (!Array.isArray(node[list])) continue;
      for (const [i, child] of (node[list] as unknown[]).entries()) {
        const found = find(child, `${path}.${list}[${i}]`);
        if (found) return found;
      }
    }
    return node.not === undefined ? null : find(node.not, `${path}.not`);
  };
  return find(json, 'definition') ?? 'definition';
}
