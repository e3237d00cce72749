import { isDate, isDateTime, isDuration, isInt, isLocalDateTime, isNode, isRelationship, type Record as Neo4jRecord } from 'neo4j-driver';

/** Neo4j values to plain JS once, at the repository boundary: integers to numbers, temporals to Date. */
export function toPlain(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  // Strings, numbers and booleans are most of a result: they skip the seven type checks below.
  if (typeof value !== 'object') return value;
  if (isInt(value as never)) return (value as { toNumber(): number }).toNumber();
  if (isDateTime(value as never) || isLocalDateTime(value as never)) return (value as { toStandardDate(): Date }).toStandardDate();
  if (isDate(value as never)) return (value as { toString(): string }).toString();
  if (isDuration(value as never)) return (value as { toString(): string }).toString();
  if (isNode(value as never) || isRelationship(value as never)) return toPlain((value as { properties: unknown }).properties);
  if (Array.isArray(value)) return value.map(toPlain);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as object).map(([key, inner]) => [key, toPlain(inner)]));
  }
  return value;
}

export function recordToObject<T>(record: Neo4jRecord): T {
  return toPlain(record.toObject()) as T;
}
