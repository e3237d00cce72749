import { matchRecordOf, type MatchRecord } from '../../src/identity/matching/match-record';

/** A seeded generator of people and of noisy copies of them, like the records two systems keep of one person. */
export function population(people: number, copies: number, seed = 7) {
  let s = seed;
  const random = () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  // Names of two or three syllables: thousands of them, some common, as in a real population.
  const SYLLABLES = ['an', 'ber', 'cla', 'da', 'em', 'fe', 'gre', 'han', 'li', 'jo', 'kar', 'le', 'mi', 'no', 'ot', 'pau', 'ri', 'sa', 'to', 'vel'];
  const word = () => Array.from({ length: 2 + Math.floor(random() * 2) }, () => pick(SYLLABLES)).join('');
  const FIRST = Array.from({ length: 300 }, word);
  const LAST = Array.from({ length: 800 }, word);
  const CITY = ['berlin', 'hamburg', 'munich', 'cologne', 'frankfurt', 'stuttgart', 'leipzig', 'dresden'];
  const typo = (value: string) => {
    const i = Math.floor(random() * value.length);
    return value.slice(0, i) + 'xqz'[Math.floor(random() * 3)] + value.slice(i + 1);
  };
  const maybe = (value: string, p: number) => (random() < p ? typo(value) : value);
  const originals: MatchRecord[] = Array.from({ length: people }, () =>
    matchRecordOf({
      firstName: pick(FIRST),
      lastName: pick(LAST),
      birthday: `19${10 + Math.floor(random() * 89)}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`,
      street: `${1 + Math.floor(random() * 200)} ${pick(['main', 'park', 'lake', 'hill', 'mill'])} street`,
      city: pick(CITY),
      postalCode: String(10000 + Math.floor(random() * 80000)),
    }),
  );
  const records: { record: MatchRecord; person: number }[] = originals.map((record, person) => ({ record, person }));
  for (let c = 0; c < copies; c++) {
    const person = Math.floor(random() * people);
    const o = originals[person];
    records.push({
      person,
      record: {
        firstName: maybe(o.firstName!, 0.2),
        lastName: maybe(o.lastName!, 0.2),
        ...(random() < 0.9 ? { birthday: maybe(o.birthday!, 0.1) } : {}),
        street: maybe(o.street!, 0.3),
        city: maybe(o.city!, 0.1),
        postalCode: maybe(o.postalCode!, 0.1),
      },
    });
  }
  return records;
}

/** Records enough to train a small model on: 300 people, 120 noisy copies. */
export const trainingPopulation = (): MatchRecord[] => population(300, 120).map((p) => p.record);
