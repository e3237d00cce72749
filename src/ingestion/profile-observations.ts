import type { IdentifierNormalizer } from '../identity/identifier-normalizer';
import type { Observations } from '../identity/profile-attributes';
import { isObject, lenientText, type JsonObject } from './payload-fields';

const text = (value: unknown): string | undefined => lenientText(value)?.slice(0, 512);

const first = (source: JsonObject, ...names: string[]) => {
  for (const name of names) {
    const value = text(source[name]);
    if (value !== undefined) return value;
  }
  return undefined;
};

/** Traits and record attributes give an address nested (`address: {...}`) or flat. */
const addressOf = (raw: JsonObject): JsonObject => (isObject(raw.address) ? raw.address : raw);

/**
 * Reads profile attributes from Segment-style traits or a source record's attributes: camelCase or snake_case,
 * address nested or flat, `name` split when first and last names are missing. Email and phone are normalised
 * like identifiers so the golden record shows the same value that resolves.
 */
export function profileObservations(raw: JsonObject, normalizer: Pick<IdentifierNormalizer, 'normalize'>): Observations {
  const address = addressOf(raw);
  const company = isObject(raw.company) ? first(raw.company, 'name') : first(raw, 'company');
  const [nameFirst, ...nameRest] = (first(raw, 'name') ?? '').split(/\s+/).filter(Boolean);
  const normalized = (type: 'EMAIL' | 'PHONE', value: string | undefined) => {
    if (value === undefined) return undefined;
    const result = normalizer.normalize(type, value);
    return result.ok ? result.identifier.value : undefined;
  };
  const observations: Observations = {
    firstName: first(raw, 'firstName', 'first_name') ?? nameFirst,
    lastName: first(raw, 'lastName', 'last_name') ?? (nameRest.length > 0 ? nameRest.join(' ') : undefined),
    email: normalized('EMAIL', first(raw, 'email')),
    phone: normalized('PHONE', first(raw, 'phone')),
    birthday: first(raw, 'birthday', 'birthDate', 'birth_date', 'dateOfBirth'),
    gender: first(raw, 'gender'),
    company,
    street: first(address, 'street', 'street1', 'line1'),
    city: first(address, 'city'),
    postalCode: first(address, 'postalCode', 'postal_code', 'zip'),
    state: first(address, 'state', 'region'),
    country: first(address, 'country'),
  };
  return Object.fromEntries(Object.entries(observations).filter(([, value]) => value !== undefined)) as Observations;
}
