import { jaroWinkler } from '@skyra/jaro-winkler';
import { distance as levenshtein } from 'fastest-levenshtein';
import doubleMetaphone from 'talisman/phonetics/double-metaphone';
import type { MatchField, MatchRecord } from './match-record';

/**
 * One graded comparison of a field: levels from the strongest agreement (0) to plain disagreement (the last). Two
 * records of which either lacks the field are not compared on it (missing: no evidence either way).
 */
export type Comparison = Readonly<{
  name: string;
  field: MatchField;
  levels: readonly string[];
  level(a: string, b: string): number;
}>;

const phonetic = (value: string) => value.split(' ').map((word) => doubleMetaphone(word)[0]).join(' ');

/** Levels in order, each a test on the two values; the first that holds is the pair's level, else the last. */
function graded(name: string, field: MatchField, tests: [string, (a: string, b: string) => boolean][]): Comparison {
  const levels = [...tests.map(([label]) => label), 'different'];
  return {
    name,
    field,
    levels,
    level(a, b) {
      const found = tests.findIndex(([, holds]) => holds(a, b));
      return found === -1 ? tests.length : found;
    },
  };
}

const exact: [string, (a: string, b: string) => boolean] = ['exact', (a, b) => a === b];
const jw = (threshold: number): [string, (a: string, b: string) => boolean] => [`Jaro-Winkler >= ${threshold}`, (a, b) => jaroWinkler(a, b) >= threshold];
const edits = (n: number): [string, (a: string, b: string) => boolean] => [n === 1 ? 'one edit' : `${n} edits`, (a, b) => levenshtein(a, b) <= n];
const soundsAlike: [string, (a: string, b: string) => boolean] = ['same Double Metaphone code', (a, b) => phonetic(a) === phonetic(b)];

const name = (label: string, field: MatchField) => graded(label, field, [exact, jw(0.92), soundsAlike, jw(0.8)]);

/**
 * The comparisons of the model, after those Splink and the record-linkage literature use for person records: names
 * by Jaro-Winkler and sound, dates and codes by edit distance (a typo, a transposed digit), addresses by
 * Jaro-Winkler.
 */
export const COMPARISONS: readonly Comparison[] = [
  name('first name', 'firstName'),
  name('last name', 'lastName'),
  graded('birth date', 'birthday', [exact, edits(1), edits(2)]),
  graded('street', 'street', [exact, jw(0.9), jw(0.7)]),
  graded('city', 'city', [exact, jw(0.9)]),
  graded('postcode', 'postalCode', [exact, edits(1)]),
  graded('state', 'state', [exact]),
  graded('phone', 'phone', [exact, edits(1)]),
  graded('email local part', 'emailLocal', [exact, jw(0.9)]),
];

/** Each comparison's level for the pair, null where either record lacks the field. */
export type Gamma = (number | null)[];

export function compare(a: MatchRecord, b: MatchRecord, comparisons: readonly Comparison[] = COMPARISONS): Gamma {
  const straight = levels(a, b, comparisons);
  // Given name and surname swapped (a form filled in the wrong order): compared crosswise when that agrees better.
  const first = comparisons.findIndex((c) => c.field === 'firstName');
  const last = comparisons.findIndex((c) => c.field === 'lastName');
  if (first === -1 || last === -1 || straight[first] === null || straight[last] === null || straight[first]! + straight[last]! === 0) return straight;
  const crossedFirst = comparisons[first].level(a.lastName!, b.firstName!);
  const crossedLast = comparisons[last].level(a.firstName!, b.lastName!);
  if (crossedFirst + crossedLast >= straight[first]! + straight[last]!) return straight;
  const crossed = [...straight];
  crossed[first] = crossedFirst;
  crossed[last] = crossedLast;
  return crossed;
}

function levels(a: MatchRecord, b: MatchRecord, comparisons: readonly Comparison[]): Gamma {
  return comparisons.map((c) => {
    const x = a[c.field];
    const y = b[c.field];
    return x === undefined || y === undefined ? null : c.level(x, y);
  });
}

/** A blocking rule: records sharing its key are candidates for one person; `fields` are those the key is made of. */
export type BlockingRule = Readonly<{ name: string; fields: readonly MatchField[]; key(record: MatchRecord): string | null }>;

/** The leading number of a street address (12 in "12 lindenallee"), if it has one. */
const houseNumber = (street: string | undefined) => (street ? /^(\d+)\b/.exec(street)?.[1] : undefined);

const both = (a: string | undefined, b: string | undefined, join: (a: string, b: string) => string) => (a && b ? join(a, b) : null);

/**
 * Keys two records of one person are likely to share, typos and all: candidates for a new item are the profiles
 * holding one of its keys (a few index lookups), and training pairs are the records sharing one.
 */
export const BLOCKING_RULES: readonly BlockingRule[] = [
  // Either order: given name and surname are swapped often enough in forms.
  { name: 'names', fields: ['firstName', 'lastName'], key: (r) => both(r.firstName, r.lastName, (f, l) => [phonetic(f), phonetic(l)].sort().join('|')) },
  { name: 'born', fields: ['birthday'], key: (r) => r.birthday ?? null },
  { name: 'last-postcode', fields: ['lastName', 'postalCode'], key: (r) => both(r.lastName, r.postalCode, (l, p) => `${phonetic(l)}|${p}`) },
  { name: 'first-postcode', fields: ['firstName', 'postalCode'], key: (r) => both(r.firstName, r.postalCode, (f, p) => `${phonetic(f)}|${p}`) },
  { name: 'last-city', fields: ['lastName', 'city'], key: (r) => both(r.lastName, r.city, (l, c) => `${phonetic(l)}|${c}`) },
  { name: 'first-city', fields: ['firstName', 'city'], key: (r) => both(r.firstName, r.city, (f, c) => `${phonetic(f)}|${c}`) },
  { name: 'place', fields: ['city', 'postalCode'], key: (r) => both(r.city, r.postalCode, (c, p) => `${c}|${p}`) },
  { name: 'street', fields: ['street'], key: (r) => r.street ?? null },
  // The house number and postcode: an address with its street name misspelt.
  { name: 'house-postcode', fields: ['street', 'postalCode'], key: (r) => both(houseNumber(r.street), r.postalCode, (n, p) => `${n}|${p}`) },
  { name: 'phone', fields: ['phone'], key: (r) => r.phone ?? null },
  { name: 'email', fields: ['emailLocal'], key: (r) => r.emailLocal ?? null },
];

export function blockingKeys(record: MatchRecord, rules: readonly BlockingRule[] = BLOCKING_RULES): string[] {
  return rules.flatMap((rule) => {
    const key = rule.key(record);
    return key === null ? [] : [`${rule.name}:${key}`];
  });
}
