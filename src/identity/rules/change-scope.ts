import type { MatchRulesDocument } from './match-rules';

/** Which customers a rule change can concern (rules/affected-customers.cypher reads it). */
export type ChangeScope = {
  /** Every customer: what the change acts on cannot be found from stored customers. */
  full: boolean;
  /** Types whose limit changed, with the fewest values a customer must hold for the change to matter. */
  limitTypes: { type: string; min: number }[];
  anyConflict: boolean;
  devices: boolean;
  matching: boolean;
  /** Added blocked patterns, as Cypher regular expressions (case-insensitive, found anywhere as in JavaScript). */
  blocked: string[];
  /** A rollback: customers any activation rewrote since then (epoch ms), the version it returns to was in force then. */
  rewrittenSince: number | null;
};

/**
 * A blocked pattern as Neo4j reads it: Cypher's =~ matches a whole value, JavaScript's test finds the pattern
 * anywhere in it; case folded for Unicode as JavaScript's `i` does.
 */
export const cypherPattern = (pattern: string) => `(?isu).*(?:${pattern}).*`;

/**
 * What changes between two rule sets, as the customers it can concern. A limit lowered to n concerns customers
 * holding more than n values; one raised, customers refused a value of that type. A removed blocked pattern
 * concerns customers whose evidence holds a value it matched, which only a walk over everyone finds, unless the
 * change is a rollback: then the customers activations rewrote since are those.
 */
export function changeScope(before: MatchRulesDocument, after: MatchRulesDocument, rewrittenSince: number | null): ChangeScope {
  const types = [...new Set([...Object.keys(before.limits), ...Object.keys(after.limits)])].sort();
  const limitOf = (document: MatchRulesDocument, type: string) => document.limits[type] ?? Number.MAX_SAFE_INTEGER;
  const added = after.blockedPatterns.filter((p) => !before.blockedPatterns.includes(p));
  const removed = before.blockedPatterns.filter((p) => !after.blockedPatterns.includes(p));
  const deploymentChanged = JSON.stringify(before.deployment) !== JSON.stringify(after.deployment);
  return {
    full: deploymentChanged || (removed.length > 0 && rewrittenSince === null),
    limitTypes: types
      .filter((type) => limitOf(before, type) !== limitOf(after, type))
      .map((type) => ({ type, min: Math.min(Math.min(limitOf(before, type), limitOf(after, type)) + 1, Number.MAX_SAFE_INTEGER) })),
    anyConflict: JSON.stringify(before.priority) !== JSON.stringify(after.priority),
    devices: before.shareDevices !== after.shareDevices,
    matching: JSON.stringify(before.model) !== JSON.stringify(after.model),
    blocked: added.map(cypherPattern),
    rewrittenSince,
  };
}
