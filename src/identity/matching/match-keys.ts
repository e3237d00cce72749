import { createHash } from 'node:crypto';
import { blockingKeys } from './comparisons';
import type { ResolutionItem } from '../resolution-plan';
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
