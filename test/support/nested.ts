/** `{a: {a: ... leaf}}`, `depth` objects deep, built without recursion (tests build far deeper than a stack allows). */
export function nested(depth: number, leaf: unknown = 'leaf'): Record<string, unknown> {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i += 1) value = { a: value };
  return value as Record<string, unknown>;
}

/** Placeholder for `jsonWithNested`: where the deep value goes. */
export const NESTED = '__nested__';

/** JSON text of `value` with the string NESTED replaced by `nested(depth)`: JSON.stringify itself overflows near 5,000 levels. */
export function jsonWithNested(value: unknown, depth: number): string {
  return JSON.stringify(value).replace(JSON.stringify(NESTED), `${'{"a":'.repeat(depth)}"leaf"${'}'.repeat(depth)}`);
}
