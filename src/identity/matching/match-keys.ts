import { createHash } from 'node:crypto';
import { blockingKeys } from './comparisons';
import type { ResolutionItem } from '../resolution-plan';
import { bestScore, type MatchModel } from './match-model';
import { matchRecordOf, namesAPerson, type MatchRecord } from './match-record';

/**
 * A record's blocking keys as the graph stores them (MatchKey nodes): hashed, so a key (a street, a birth date)
 * holds no readable value, and fixed in length for the index.
 */
export const matchKeysOf = (record: MatchRecord): string[] =>
  blockingKeys(record).map((key) => createHash('sha256').update(key).digest('base64url').slice(0, 22));

/** A profile keeps this many of its records' match records (the newest) to compare new items with. */
export const MAX_MATCH_RECORDS = 8;

/** Adds records to a profile's, newest last, each once, at most MAX_MATCH_RECORDS. */
export function keepMatchRecords(current: readonly MatchRecord[], added: readonly MatchRecord[]): MatchRecord[] {
  const byValue = new Map<string, MatchRecord>();
  for (const record of [...current, ...added]) {
    const key = JSON.stringify(record);
    byValue.delete(key);
    byValue.set(key, record);
  }
  return [...byValue.values()].slice(-MAX_MATCH_RECORDS);
}

/** An item that names a person, with what probabilistic matching compares it by; others as they are. */
export function withMatch(item: ResolutionItem): ResolutionItem {
  if (!namesAPerson(item.observations)) return item;
  const record = matchRecordOf(item.observations, item.identifiers);
  return { ...item, match: { record, keys: matchKeysOf(record) } };
}

/**
 * The found customers some item of the batch scores at least `review` against: only those are locked and read in
 * full. The planner scores again under the lock; a customer below review for every item could only be left alone.
 */
export function worthLocking<C extends { customerId: string; matchRecords: string | null; keys: string[] }>(
  items: readonly ResolutionItem[],
  found: readonly C[],
  model: MatchModel,
): C[] {
  const byKey = new Map<string, C[]>();
  for (const candidate of found) for (const key of candidate.keys) byKey.set(key, [...(byKey.get(key) ?? []), candidate]);
  const records = new Map(found.map((c) => [c.customerId, c.matchRecords ? (JSON.parse(c.matchRecords) as MatchRecord[]) : []]));
  const worth = new Set<string>();
  for (const item of items) {
    if (!item.match) continue;
    const seen = new Set<string>();
    for (const key of item.match.keys) {
      for (const candidate of byKey.get(key) ?? []) {
        if (seen.has(candidate.customerId) || worth.has(candidate.customerId)) continue;
        seen.add(candidate.customerId);
        const best = bestScore(model, item.match.record, records.get(candidate.customerId)!);
        if (best !== null && best.probability >= model.thresholds.review) worth.add(candidate.customerId);
      }
    }
  }
  return found.filter((c) => worth.has(c.customerId));
}
