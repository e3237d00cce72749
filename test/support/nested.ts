/** `{a: {a: ... leaf}}`, `depth` objects deep, built without recursion (tests build far deeper than a stack allows). */
export function nested(depth: number, leaf: unknown = 'leaf'): Record<string, unknown> {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i += 1) value = { a: value };
  return value as Record<string, unknown>;
}
