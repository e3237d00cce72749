import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import type { Rule } from './segment-definition';

/** Parameters every evaluation passes itself; fragments share them instead of getting their own copy. */
const EVALUATION_PARAMETERS = new Set(['now', 'nowIso', 'bucketMs']);

/** A segment's definition as Cypher: the two expressions evaluate.cypher leaves open, and the values they read. */
export type CompiledSegment = {
  /** Boolean over `c` and the segment's row `rule`: the customer qualifies now. */
  predicate: string;
  /** List of epoch ms over `c` and `rule`: the instants at which time alone may change the answer ([] when none). */
  instants: string;
  /** The rule's values, which its row of $segments carries beside segmentId and customerIds. */
  params: Record<string, unknown>;
  /** The statement for Neo4j to plan before a definition is stored: it must never fail at run time. */
  explain: string;
  /**
   * The whole statement, ready to run with $segments (rows of segmentId, customerIds and params), $now, $nowIso and
   * $bucketMs. It depends only on the shape of the rule, never on its values: segments of one shape share it, so
   * they are evaluated by one statement and Neo4j plans it once.
   */
  statement: string;
};

type Fragment = { expression: string; parameters: string[] };

/**
 * Compiles rule trees from the fragments in cypher/segments/predicates/. Each fragment file is a complete statement
 * (`MATCH (c:Customer) RETURN <expression> AS holds|instants`, checked by EXPLAIN like every file); the compiler
 * takes its expression, turns its parameters into fields of the segment's row (`$op` of the first node becomes
 * `rule.r0_op`), and joins nodes with AND, OR and NOT. No text from a definition ever reaches the statement: names
 * and values travel as data, in the row.
 */
export class SegmentCompiler {
  private readonly fragments: Record<string, Fragment>;
  private readonly template: string;

  constructor(private readonly registry: CypherRegistry) {
    const names = ['attribute', 'identifier', 'consent', 'event-count', 'event-count-instants', 'last-seen', 'last-seen-instants', 'segment'];
    this.fragments = Object.fromEntries(names.map((name) => [name, fragmentOf(registry.get(`segments/predicates/${name}`), name)]));
    this.template = registry.get('segments/evaluate');
    for (const marker of [PREDICATE_MARKER, INSTANTS_MARKER]) {
      if (!this.template.includes(marker)) throw new Error(`segments/evaluate.cypher lost its marker ${marker}`);
    }
    if (!this.template.includes(`AS ${ROW}\n`)) throw new Error(`segments/evaluate.cypher must name each row of $segments ${ROW}`);
  }

  compile(rule: Rule): CompiledSegment {
    const params: Record<string, unknown> = {};
    const instants: string[] = [];
    let next = 0;
    const use = (name: string, values: Record<string, unknown>): string => {
      const prefix = `r${next++}_`;
      const { expression, parameters } = this.fragments[name];
      for (const parameter of parameters) {
        if (!(parameter in values)) throw new Error(`fragment ${name} needs $${parameter}`);
        params[prefix + parameter] = values[parameter];
      }
      return expression.replace(/\$([A-Za-z][A-Za-z0-9]*)/g, (whole, parameter: string) =>
        EVALUATION_PARAMETERS.has(parameter) ? whole : `${ROW}.${prefix}${parameter}`,
      );
    };
    const atom = (name: string, values: Record<string, unknown>) => `coalesce(${use(name, values)}, false)`;

    const predicate = (node: Rule): string => {
      switch (node.kind) {
        case 'all':
          return `(${node.rules.map(predicate).join(' AND ')})`;
        case 'any':
          return `(${node.rules.map(predicate).join(' OR ')})`;
        case 'not':
          return `(NOT ${predicate(node.rule)})`;
        case 'attribute':
          return atom('attribute', {
            op: node.op,
            attribute: node.attribute,
            value: typeof node.value === 'string' ? node.value : null,
            values: node.values,
            present: typeof node.value === 'boolean' ? node.value : null,
          });
        case 'identifier':
          return atom('identifier', { identifierType: node.identifierType });
        case 'consent':
          return atom('consent', { purpose: node.purpose, status: node.status });
        case 'eventCount':
          if (node.windowMs !== null) instants.push(use('event-count-instants', { event: node.event, window: node.windowMs }));
          return atom('event-count', { event: node.event, op: node.op, count: node.count, window: node.windowMs });
        case 'lastSeen':
          if (node.agoMs !== null) instants.push(use('last-seen-instants', { event: node.event, ago: node.agoMs }));
          return atom('last-seen', { event: node.event, op: node.op, at: node.at, ago: node.agoMs });
        case 'segment':
          return atom('segment', { segment: node.segmentId });
      }
    };

    const compiled = predicate(rule);
    const instantList = instants.length === 0 ? '[]' : instants.map((list) => `(${list})`).join(' + ');
    const statement = this.template.replace(PREDICATE_MARKER, compiled).replace(INSTANTS_MARKER, `(${instantList})`);
    this.registry.derivedFrom('segments/evaluate', statement);
    return { predicate: compiled, explain: `EXPLAIN ${statement}`, instants: instantList, params, statement };
  }
}

/** The variable evaluate.cypher gives each segment's row of $segments. */
const ROW = 'rule';
const PREDICATE_MARKER = 'true /*PREDICATE*/';
const INSTANTS_MARKER = '[] /*INSTANTS*/';

function fragmentOf(text: string, name: string): Fragment {
  const match = /\bRETURN\s+([\s\S]+)\s+AS\s+(holds|instants)\s*$/.exec(text);
  if (!match) throw new Error(`cypher/segments/predicates/${name}.cypher must end in RETURN <expression> AS holds|instants`);
  const expression = match[1].trim();
  const parameters = [...new Set([...expression.matchAll(/\$([A-Za-z][A-Za-z0-9]*)/g)].map((m) => m[1]))].filter(
    (p) => !EVALUATION_PARAMETERS.has(p),
  );
  return { expression, parameters };
}
