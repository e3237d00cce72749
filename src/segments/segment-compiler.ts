import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import type { Rule } from './segment-definition';

/** Parameters every evaluation passes itself; fragments share them instead of getting their own copy. */
const EVALUATION_PARAMETERS = new Set(['now', 'nowIso', 'bucketMs']);

/** A segment's definition as Cypher: the two expressions evaluate.cypher leaves open, and their parameters. */
export type CompiledSegment = {
  /** Boolean over `c`: the customer qualifies now. */
  predicate: string;
  /** List of epoch ms over `c`: the instants at which time alone may change the answer ([] when none). */
  instants: string;
  params: Record<string, unknown>;
  /** The statement for Neo4j to plan (with the params) before a definition is stored: it must never fail at run time. */
  explain: string;
  /** The whole statement, ready to run with params + segmentId, customerIds, now, nowIso, bucketMs. */
  statement: string;
};

type Fragment = { expression: string; parameters: string[] };

/**
 * Compiles rule trees from the fragments in cypher/segments/predicates/. Each fragment file is a complete statement
 * (`MATCH (c:Customer) RETURN <expression> AS holds|instants`, checked by EXPLAIN like every file); the compiler
 * takes its expression, gives its parameters names unique to the node, and joins nodes with AND, OR and NOT. No
 * text from a definition ever reaches the statement: names and values travel as parameters.
 */
export class SegmentCompiler {
  private readonly fragments: Record<string, Fragment>;
  private readonly template: string;

  constructor(registry: CypherRegistry) {
    const names = ['attribute', 'identifier', 'consent', 'event-count', 'event-count-instants', 'last-seen', 'last-seen-instants', 'segment'];
    this.fragments = Object.fromEntries(names.map((name) => [name, fragmentOf(registry.get(`segments/predicates/${name}`), name)]));
    this.template = registry.get('segments/evaluate');
    for (const marker of [PREDICATE_MARKER, INSTANTS_MARKER]) {
      if (!this.template.includes(marker)) throw new Error(`segments/evaluate.cypher lost its marker ${marker}`);
    }
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
        EVALUATION_PARAMETERS.has(parameter) ? whole : `$${prefix}${parameter}`,
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
    return {
      predicate: compiled,
      explain: `EXPLAIN ${this.template.replace(PREDICATE_MARKER, compiled).replace(INSTANTS_MARKER, `(${instantList})`)}`,
      instants: instantList,
      params,
      statement: this.template.replace(PREDICATE_MARKER, compiled).replace(INSTANTS_MARKER, `(${instantList})`),
    };
  }
}

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
