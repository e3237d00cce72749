/**
 * A keep-apart constraint has two sides; a customer holds the sides it is on as marks `<constraint id>:<0|1>`
 * (Customer.apart), and a survivor takes the marks of what it absorbs. Two customers holding opposite sides of one
 * constraint never join.
 */
export const sideMark = (constraintId: string, side: 0 | 1) => `${constraintId}:${side}`;

const constraintOf = (mark: string) => mark.slice(0, mark.lastIndexOf(':'));

/** The constraint two sets of marks break if joined: one constraint, on both of its sides. */
export function keptApartBy(left: readonly string[], right: readonly string[]): string | null {
  const sideOf = new Map(left.map((mark) => [constraintOf(mark), mark]));
  for (const mark of right) {
    const held = sideOf.get(constraintOf(mark));
    if (held !== undefined && held !== mark) return constraintOf(held);
  }
  return null;
}
