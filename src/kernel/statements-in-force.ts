/**
 * The statement in force per purpose. `history` is ordered as the profile reads order it (per purpose, the one in
 * force first, by the rule of consent/current.cypher), so it is the first of each purpose.
 */
export function statementsInForce<S extends { purpose?: unknown }>(history: readonly S[]): S[] {
  const current = new Map<unknown, S>();
  for (const statement of history) if (!current.has(statement.purpose)) current.set(statement.purpose, statement);
  return [...current.values()];
}
