import { reject } from './rejection';

export type JsonObject = Record<string, unknown>;

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function optionalObject(value: unknown, field: string): JsonObject {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) return reject('INVALID_FIELD', `${field} must be an object`);
  return value;
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

/** ISO-8601 with a zone; absent means "now". */
export function timestamp(value: unknown, field: string, now: Date): string {
  if (value === undefined || value === null) return now.toISOString();
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/i.test(value.trim())) {
    return reject('INVALID_TIMESTAMP', `${field} must be an ISO-8601 date-time with a zone, e.g. 2026-01-31T12:00:00Z`);
  }
  const date = new Date(value.trim());
  if (Number.isNaN(date.getTime())) return reject('INVALID_TIMESTAMP', `${field} is not a valid date-time`);
  return date.toISOString();
}
