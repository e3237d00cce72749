import { z } from 'zod';

/** Kinds of value several sections take. */

export const csv = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);

export const booleanFlag = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

export const positiveInt = z.coerce.number().int().min(1);

/** A whole number in [min, max]: batch sizes, intervals, limits. */
export const intBetween = (min: number, max?: number) => {
  const atLeast = z.coerce.number().int().min(min);
  return max === undefined ? atLeast : atLeast.max(max);
};

/** A secret: no default, and long enough to key an HMAC (`why` ends the message: "at least 32 characters: <why>"). */
export const secret = (why: string) => z.string().min(32, `at least 32 characters: ${why}`).optional();
