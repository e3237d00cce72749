import { CONSENT_STATUSES, type ConsentStatus } from '../kernel/consent-status';
import type { IdentifierType } from '../kernel/identifier-type';
import { PROFILE_ATTRIBUTES, type ProfileAttribute } from '../identity/profile-attributes';
import { BadUserInputError } from '../shared/errors';

export const ATTRIBUTE_OPERATORS = ['eq', 'neq', 'in', 'exists', 'gt', 'gte', 'lt', 'lte', 'contains', 'startsWith'] as const;
export type AttributeOperator = (typeof ATTRIBUTE_OPERATORS)[number];
export const COUNT_OPERATORS = ['gte', 'gt', 'lte', 'lt', 'eq'] as const;
export type CountOperator = (typeof COUNT_OPERATORS)[number];

/** A segment definition, checked: what the compiler turns into Cypher. */
export type Rule =
  | { kind: 'all' | 'any'; rules: Rule[] }
  | { kind: 'not'; rule: Rule }
  | { kind: 'attribute'; attribute: ProfileAttribute; op: AttributeOperator; value: string | boolean | null; values: string[] | null }
  | { kind: 'identifier'; identifierType: IdentifierType }
  | { kind: 'consent'; purpose: string; status: ConsentStatus }
  | { kind: 'eventCount'; event: string; op: CountOperator; count: number; windowMs: number | null }
  | { kind: 'lastSeen'; event: string | null; op: 'before' | 'after'; at: number | null; agoMs: number | null }
  | { kind: 'segment'; segmentId: string };

export type DefinitionLimits = {
  /** Consent purposes known to this deployment; null for a stored definition, checked when it was saved. */
  purposes: readonly string[] | null;
  /** Identifier types of this deployment (IDENTITY_TYPES included); null for a stored definition, as purposes. */
  identifierTypes: readonly string[] | null;
  /** Windows and relative times longer than behaviour facts are kept could never be answered. */
  maxWindowMs: number;
};

const MAX_DEPTH = 12;
const MAX_NODES = 200;
const MAX_TEXT = 256;
const MAX_LIST = 500;
const UNITS_MS = { days: 86_400_000, hours: 3_600_000, minutes: 60_000 } as const;

type Json = unknown;
const isObject = (value: Json): value is Record<string, Json> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A definition the language cannot accept, with the path of the offending node (e.g. `definition.all[1].within`). */
export class InvalidDefinition extends BadUserInputError {
  constructor(path: string, message: string) {
    super(`Invalid segment definition at ${path}: ${message}`, { argument: 'definition', path });
  }
}

/**
 * Checks a JSON rule tree and returns it typed. Every name that reaches Cypher is checked here against what the
 * schema knows (attributes, identifier types, purposes); values are only ever parameters.
 */
export function parseDefinition(definition: Json, limits: DefinitionLimits): Rule {
  let nodes = 0;
  const fail = (path: string, message: string): never => {
    throw new InvalidDefinition(path, message);
  };

  const text = (value: Json, path: string): string => {
    if (typeof value !== 'string' || value.trim() === '') fail(path, 'must be a non-empty string');
    if ((value as string).length > MAX_TEXT) fail(path, `must be at most ${MAX_TEXT} characters`);
    return value as string;
  };

  const duration = (value: Json, path: string): number => {
    if (!isObject(value)) return fail(path, 'must be a duration such as {"days": 7} (days, hours, minutes)');
    const entries = Object.entries(value);
    if (entries.length === 0) fail(path, 'must name at least one of days, hours, minutes');
    let ms = 0;
    for (const [unit, amount] of entries) {
      if (!(unit in UNITS_MS)) fail(`${path}.${unit}`, 'unknown unit; use days, hours or minutes');
      if (typeof amount !== 'number' || !Number.isInteger(amount) || amount < 0) fail(`${path}.${unit}`, 'must be a whole number >= 0');
      ms += (amount as number) * UNITS_MS[unit as keyof typeof UNITS_MS];
    }
    if (ms <= 0) fail(path, 'must be longer than zero');
    if (ms > limits.maxWindowMs) fail(path, `is longer than behaviour facts are kept (${limits.maxWindowMs / UNITS_MS.days} days)`);
    return ms;
  };

  const onlyKeys = (node: Record<string, Json>, path: string, allowed: string[]) => {
    for (const key of Object.keys(node)) if (!allowed.includes(key)) fail(`${path}.${key}`, `unexpected key; allowed here: ${allowed.join(', ')}`);
  };

  const rule = (node: Json, path: string, depth: number): Rule => {
    if (++nodes > MAX_NODES) fail(path, `a definition has at most ${MAX_NODES} nodes`);
    if (depth > MAX_DEPTH) fail(path, `a definition nests at most ${MAX_DEPTH} levels`);
    if (!isObject(node)) return fail(path, 'must be an object');

    for (const kind of ['all', 'any'] as const) {
      if (kind in node) {
        onlyKeys(node, path, [kind]);
        const list = node[kind];
        if (!Array.isArray(list) || list.length === 0) fail(`${path}.${kind}`, 'must be a non-empty list of rules');
        return { kind, rules: (list as Json[]).map((child, i) => rule(child, `${path}.${kind}[${i}]`, depth + 1)) };
      }
    }
    if ('not' in node) {
      onlyKeys(node, path, ['not']);
      return { kind: 'not', rule: rule(node.not, `${path}.not`, depth + 1) };
    }
    if ('attribute' in node) return attribute(node, path);
    if ('identifier' in node) {
      onlyKeys(node, path, ['identifier']);
      const type = node.identifier;
      if (typeof type !== 'string') return fail(`${path}.identifier`, 'must be an identifier type, e.g. "EMAIL"');
      if (limits.identifierTypes && !limits.identifierTypes.includes(type)) fail(`${path}.identifier`, `must be one of ${limits.identifierTypes.join(', ')}`);
      return { kind: 'identifier', identifierType: type };
    }
    if ('consent' in node) {
      onlyKeys(node, path, ['consent', 'status']);
      const purpose = text(node.consent, `${path}.consent`).trim().toLowerCase();
      if (limits.purposes && !limits.purposes.includes(purpose)) fail(`${path}.consent`, `"${purpose}" is not a consent purpose; use one of ${limits.purposes?.join(', ')}`);
      const status = node.status ?? 'GRANTED';
      if (!CONSENT_STATUSES.includes(status as ConsentStatus)) fail(`${path}.status`, `must be one of ${CONSENT_STATUSES.join(', ')}`);
      return { kind: 'consent', purpose, status: status as ConsentStatus };
    }
    if ('event' in node && !('lastSeen' in node)) {
      onlyKeys(node, path, ['event', 'count', 'within']);
      const event = text(node.event, `${path}.event`);
      const count = node.count ?? { gte: 1 };
      if (!isObject(count) || Object.keys(count).length !== 1) return fail(`${path}.count`, `must be one comparison such as {"gte": 3} (${COUNT_OPERATORS.join(', ')})`);
      const [[op, n]] = Object.entries(count);
      if (!COUNT_OPERATORS.includes(op as CountOperator)) fail(`${path}.count.${op}`, `unknown comparison; use ${COUNT_OPERATORS.join(', ')}`);
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) fail(`${path}.count.${op}`, 'must be a whole number >= 0');
      const windowMs = node.within === undefined ? null : duration(node.within, `${path}.within`);
      return { kind: 'eventCount', event, op: op as CountOperator, count: n as number, windowMs };
    }
    if ('lastSeen' in node) {
      onlyKeys(node, path, ['lastSeen', 'event']);
      const event = node.event === undefined ? null : text(node.event, `${path}.event`);
      const spec = node.lastSeen;
      if (!isObject(spec) || Object.keys(spec).length !== 1 || !('before' in spec || 'after' in spec)) {
        return fail(`${path}.lastSeen`, 'must be {"before": <time>} or {"after": <time>}, a time being an ISO instant or a duration ago such as {"days": 30}');
      }
      const op = 'before' in spec ? 'before' : 'after';
      const when = spec[op];
      if (typeof when === 'string') {
        const at = Date.parse(when);
        if (Number.isNaN(at) || !/^\d{4}-\d{2}-\d{2}/.test(when)) fail(`${path}.lastSeen.${op}`, 'must be an ISO 8601 instant');
        return { kind: 'lastSeen', event, op, at, agoMs: null };
      }
      return { kind: 'lastSeen', event, op, at: null, agoMs: duration(when, `${path}.lastSeen.${op}`) };
    }
    if ('segment' in node) {
      onlyKeys(node, path, ['segment']);
      return { kind: 'segment', segmentId: text(node.segment, `${path}.segment`) };
    }
    return fail(path, 'unknown rule; use all, any, not, attribute, identifier, consent, event, lastSeen or segment');
  };

  const attribute = (node: Record<string, Json>, path: string): Rule => {
    const name = node.attribute;
    if (!PROFILE_ATTRIBUTES.includes(name as ProfileAttribute)) {
      fail(`${path}.attribute`, `must be a golden attribute: ${PROFILE_ATTRIBUTES.join(', ')}`);
    }
    const ops = Object.keys(node).filter((key) => key !== 'attribute');
    if (ops.length !== 1) fail(path, `needs exactly one comparison: ${ATTRIBUTE_OPERATORS.join(', ')}`);
    const op = ops[0] as AttributeOperator;
    if (!ATTRIBUTE_OPERATORS.includes(op)) fail(`${path}.${op}`, `unknown comparison; use ${ATTRIBUTE_OPERATORS.join(', ')}`);
    const value = node[op];
    const base = { kind: 'attribute' as const, attribute: name as ProfileAttribute, op };
    if (op === 'in') {
      if (!Array.isArray(value) || value.length === 0 || value.length > MAX_LIST) fail(`${path}.in`, `must be a list of 1 to ${MAX_LIST} strings`);
      return { ...base, value: null, values: (value as Json[]).map((v, i) => text(v, `${path}.in[${i}]`)) };
    }
    if (op === 'exists') {
      if (typeof value !== 'boolean') fail(`${path}.exists`, 'must be true or false');
      return { ...base, value: value as boolean, values: null };
    }
    return { ...base, value: text(value, `${path}.${op}`), values: null };
  };

  return rule(definition, 'definition', 0);
}

/** Each rule node, depth first: for what a definition reads and which segments it names. */
export function* walk(rule: Rule): Generator<Rule> {
  yield rule;
  if (rule.kind === 'all' || rule.kind === 'any') for (const child of rule.rules) yield* walk(child);
  if (rule.kind === 'not') yield* walk(rule.rule);
}

/**
 * The dependency index of a segment: the facts its definition reads, as keys that changes name too
 * (`attribute:city`, `identifier:EMAIL`, `consent:marketing`, `event:Order Completed`, `lastSeen`, `segment:<id>`).
 */
export function readsOf(rule: Rule): string[] {
  const reads = new Set<string>();
  for (const node of walk(rule)) {
    if (node.kind === 'attribute') reads.add(`attribute:${node.attribute}`);
    if (node.kind === 'identifier') reads.add(`identifier:${node.identifierType}`);
    if (node.kind === 'consent') reads.add(`consent:${node.purpose}`);
    if (node.kind === 'eventCount') reads.add(`event:${node.event}`);
    if (node.kind === 'lastSeen') reads.add(node.event === null ? 'lastSeen' : `event:${node.event}`);
    if (node.kind === 'segment') reads.add(`segment:${node.segmentId}`);
  }
  return [...reads].sort();
}

export const segmentsNamed = (rule: Rule): string[] => [...new Set([...walk(rule)].flatMap((n) => (n.kind === 'segment' ? [n.segmentId] : [])))];
