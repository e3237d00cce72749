import { isObject, type JsonObject } from '../shared/json-tree';
import { reject } from './rejection';

export { isObject, type JsonObject } from '../shared/json-tree';

export function optionalObject(value: unknown, field: string): JsonObject {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) return reject('INVALID_FIELD', `${field} must be an object`);
  return value;
}

/** Trimmed text of a string or number, or null: for describing payloads that may be malformed, never throws. */
export function lenientText(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** A string field; numbers are accepted as their decimal text, as tracking libraries send ids both ways. */
export function optionalText(value: unknown, field: string, maxLength = 1024): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return reject('INVALID_FIELD', `${field} must be a string`);
  if (value.length > maxLength) return reject('INVALID_FIELD', `${field} is longer than ${maxLength} characters`);
  return value;
}

export function requiredText(value: unknown, field: string, maxLength = 1024): string {
  const text = optionalText(value, field, maxLength);
  if (text === null || text.trim() === '') return reject('MISSING_FIELD', `${field} is required`);
  return text.trim();
}

/** How far ahead of our clock a sender's clock may run; a later time would win recency forever. */
export const MAX_CLOCK_SKEW_MS = 24 * 60 * 60 * 1000;

/** ISO-8601 with a zone, a real calendar date, not in the future beyond the allowed skew; absent means "now". */
export function timestamp(value: unknown, field: string, now: Date): string {
  if (value === undefined || value === null) return now.toISOString();
  const match = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/i.exec(value.trim()) : null;
  if (!match) {
    return reject('INVALID_TIMESTAMP', `${field} must be an ISO-8601 date-time with a zone, e.g. 2026-01-31T12:00:00Z`);
  }
  const [year, month, day] = match.slice(1, 4).map(Number);
  const calendar = new Date(Date.UTC(year, month - 1, day));
  const date = new Date((value as string).trim());
  if (Number.isNaN(date.getTime()) || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) {
    return reject('INVALID_TIMESTAMP', `${field} is not a valid date-time`);
  }
  if (date.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) {
    return reject('INVALID_TIMESTAMP', `${field} is more than a day in the future`);
  }
  return date.toISOString();
}
