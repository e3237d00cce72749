import neo4j, { isDate, isDateTime, isInt, isLocalDateTime } from 'neo4j-driver';

/** One JSON line of a copy: a node, or a relationship between two nodes by their `ref` in the same copy. */
export type CopyNode = { kind: 'node'; ref: string; labels: string[]; properties: Record<string, unknown> };
export type CopyRelationship = { kind: 'relationship'; type: string; from: string; to: string; properties: Record<string, unknown> };
export type CopyLine = CopyNode | CopyRelationship;

/**
 * JSON has no date-time: temporal values travel tagged ({"$datetime": "..."}), integers as numbers (every whole
 * number in this graph is an integer property, so a whole number loads back as an integer).
 */
export function encodeValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (isInt(value as never)) return (value as { toNumber(): number }).toNumber();
  if (isDateTime(value as never) || isLocalDateTime(value as never)) return { $datetime: (value as { toStandardDate(): Date }).toStandardDate().toISOString() };
  if (isDate(value as never)) return { $date: String(value) };
  if (Array.isArray(value)) return value.map(encodeValue);
  return value;
}

export function decodeValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeValue);
  if (typeof value === 'number') return Number.isInteger(value) ? neo4j.int(value) : value;
  if (value && typeof value === 'object') {
    const tagged = value as { $datetime?: string; $date?: string };
    if (tagged.$datetime) return neo4j.types.DateTime.fromStandardDate(new Date(tagged.$datetime));
    if (tagged.$date) {
      const [y, m, d] = tagged.$date.split('-').map(Number);
      return new neo4j.types.Date(y, m, d);
    }
  }
  return value;
}

export const encodeProperties = (properties: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, encodeValue(value)]));

export const decodeProperties = (properties: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, decodeValue(value)]));
