import type { LoggedEvidence, Replay } from '../evidence-replay';

/** A change in who is who: replayed customers of one rule set that the other joins, or splits. */
export type CustomerChange = {
  change: 'JOINED' | 'SPLIT';
  /** The customers of the rules replaced (keys: each one's identifier and record keys) that change. */
  before: string[][];
  /** Merges the new rules make of the component, by cause. */
  causes: string[];
};

export type ReplayDiff = {
  customersBefore: number;
  customersAfter: number;
  /** Merges gained: customers of the rules replaced that the new rules join into one (n customers: n - 1). */
  mergesGained: number;
  /** Merges lost: customers the new rules split (into n: n - 1). */
  mergesLost: number;
  /** Merges each replay made, by cause. */
  joinsBefore: Record<string, number>;
  joinsAfter: Record<string, number>;
  changes: CustomerChange[];
};

const entryKey = (entry: LoggedEvidence) => entry.stored?.key ?? `${entry.receivedAt}#${entry.position}`;
const canonical = (c: Replay['customers'][number]) => `${c.keys.join('\n')}\u0000${c.landedOn.join('\n')}`;

/** Whether two replays of the same evidence make the same customers (the same identifiers, records and profiles). */
export function sameCustomers(a: Replay, b: Replay): boolean {
  const left = a.customers.map(canonical).sort();
  const right = b.customers.map(canonical).sort();
  return left.length === right.length && left.every((c, i) => c === right[i]);
}

/** How the customers one replay makes of a component differ from those of another replay of the same evidence. */
export function diffReplays(before: Replay, after: Replay): ReplayDiff {
  const beforeOf = new Map(before.items.map((i) => [entryKey(i.entry), i.customerId]));
  const afterOf = new Map(after.items.map((i) => [entryKey(i.entry), i.customerId]));
  const keysBefore = new Map(before.customers.map((c) => [c.id, c.keys]));
  const group = (from: Map<string, string>, to: Map<string, string>) => {
    const groups = new Map<string, Set<string>>();
    for (const [key, id] of from) {
      const other = to.get(key);
      if (other === undefined) continue;
      groups.set(id, (groups.get(id) ?? new Set()).add(other));
    }
    return groups;
  };
  const joined = [...group(afterOf, beforeOf).values()].filter((s) => s.size > 1);
  const split = [...group(beforeOf, afterOf)].filter(([, s]) => s.size > 1);
  const causes = Object.keys(after.joinsByCause).filter((c) => (after.joinsByCause[c] ?? 0) !== (before.joinsByCause[c] ?? 0));
  return {
    customersBefore: before.customers.length,
    customersAfter: after.customers.length,
    mergesGained: joined.reduce((n, s) => n + s.size - 1, 0),
    mergesLost: split.reduce((n, [, s]) => n + s.size - 1, 0),
    joinsBefore: before.joinsByCause,
    joinsAfter: after.joinsByCause,
    changes: [
      ...joined.map((s) => ({ change: 'JOINED' as const, before: [...s].map((id) => keysBefore.get(id) ?? []), causes })),
      ...split.map(([id]) => ({ change: 'SPLIT' as const, before: [keysBefore.get(id) ?? []], causes: Object.keys(before.joinsByCause).filter((c) => (before.joinsByCause[c] ?? 0) > (after.joinsByCause[c] ?? 0)) })),
    ],
  };
}
