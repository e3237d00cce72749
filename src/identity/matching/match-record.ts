import type { NormalizedIdentifier } from '../identifier-normalizer';
import type { Observations } from '../profile-attributes';

/** The personal attributes probabilistic matching compares: a person's, not an account's. */
export const MATCH_FIELDS = ['firstName', 'lastName', 'birthday', 'street', 'city', 'postalCode', 'state', 'phone', 'emailLocal'] as const;
export type MatchField = (typeof MATCH_FIELDS)[number];

/** An item's or a profile's attributes as compared: normalised, absent when unknown. */
export type MatchRecord = Partial<Record<MatchField, string>>;

/** Lower case, accents and punctuation dropped, spaces collapsed: spelling variants a comparison should not see. */
export const plainText = (value: string) =>
  value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

const digits = (value: string) => value.replace(/\D+/g, '');

const NORMALIZE: Record<Exclude<MatchField, 'emailLocal'>, (value: string) => string> = {
  firstName: plainText,
  lastName: plainText,
  // Any written form of a date reduces to its digits (1956-04-09, 19560409): compared as YYYYMMDD.
  birthday: digits,
  street: plainText,
  city: plainText,
  postalCode: (v) => plainText(v).replace(/ /g, ''),
  state: plainText,
  phone: digits,
};

/**
 * What an item brings to compare: its observed attributes, and the local part of its email (the domain says little
 * about the person). Phones and emails come from identifiers when the attributes lack them.
 */
export function matchRecordOf(observations: Observations, identifiers: readonly NormalizedIdentifier[] = []): MatchRecord {
  const record: MatchRecord = {};
  for (const field of Object.keys(NORMALIZE) as (keyof typeof NORMALIZE)[]) {
    const raw = observations[field];
    const value = raw === undefined ? '' : NORMALIZE[field](raw);
    if (value !== '') record[field] = value;
  }
  const email = observations.email ?? identifiers.find((i) => i.type === 'EMAIL')?.value;
  const local = email ? plainText(email.split('@')[0]).replace(/ /g, '') : '';
  if (local !== '') record.emailLocal = local;
  if (record.phone === undefined) {
    const phone = identifiers.find((i) => i.type === 'PHONE')?.value;
    if (phone) record.phone = digits(phone);
  }
  return record;
}

export const isEmptyRecord = (record: MatchRecord) => Object.keys(record).length === 0;

/**
 * Whether attributes say who a person is (a name or a birth date), not only where (a city): enough to match them
 * probabilistically, and for a source record to be taken without an identifier.
 */
export const namesAPerson = (observations: Observations) =>
  [observations.firstName, observations.lastName, observations.birthday].some((value) => value !== undefined && value.trim() !== '');
