import { blockingKeys, compare, COMPARISONS } from '../../src/identity/matching/comparisons';
import { levelWeight, score, scoreGamma } from '../../src/identity/matching/match-model';
import { matchRecordOf } from '../../src/identity/matching/match-record';
import { trainModel } from '../../src/identity/matching/train-model';
import { population } from '../support/people';

describe('comparisons', () => {
  const [firstName, , birthday] = COMPARISONS;
  it('grade names from exact through typos and sound to different', () => {
    expect(firstName.levels).toEqual(['exact', 'Jaro-Winkler >= 0.92', 'same Double Metaphone code', 'Jaro-Winkler >= 0.8', 'different']);
    expect(firstName.level('martha', 'martha')).toBe(0);
    expect(firstName.level('martha', 'marhta')).toBe(1);
    expect(firstName.level('catherine', 'kathryn')).toBe(2);
    expect(firstName.level('martha', 'peter')).toBe(4);
  });

  it('grade dates by edits, and leave out a field either record lacks', () => {
    expect(birthday.level('19560409', '19560409')).toBe(0);
    expect(birthday.level('19560409', '19560419')).toBe(1);
    const gamma = compare(matchRecordOf({ firstName: 'Ann', birthday: '1956-04-09' }), matchRecordOf({ firstName: 'Anne' }));
    expect(gamma[2]).toBeNull();
    expect(gamma[0]).not.toBeNull();
  });

  it('normalise what they compare: case, accents, punctuation, date formats, the email domain', () => {
    expect(matchRecordOf({ firstName: ' José ', birthday: '1956-04-09', email: 'J.Doe@Example.com', postalCode: 'sw1a 1aa' })).toEqual({
      firstName: 'jose',
      birthday: '19560409',
      emailLocal: 'jdoe',
      postalCode: 'sw1a1aa',
    });
  });

  it('block on keys that survive a typo in one field, names in either order', () => {
    const a = blockingKeys({ firstName: 'robert', lastName: 'sheldon', city: 'cowra', postalCode: '4650' });
    const b = blockingKeys({ firstName: 'sheldon', lastName: 'robert', city: 'cowrx', postalCode: '4659' });
    expect(a.filter((key) => b.includes(key))).toEqual([expect.stringMatching(/^names:/)]);
  });
});

describe('training a Fellegi-Sunter model by expectation maximisation', () => {
  const data = population(1500, 600);
  const model = trainModel(
    data.map((d) => d.record),
    { randomPairs: 100_000, clock: () => new Date('2026-12-01T00:00:00Z') },
  );
  const level = (name: string, label: string) => model.comparisons.find((c) => c.name === name)!.levels.find((l) => l.label === label)!;

  it('learns, without labels, that agreement is evidence for one person and disagreement against', () => {
    expect(level('birth date', 'exact').m).toBeGreaterThan(0.7);
    expect(level('birth date', 'exact').u).toBeLessThan(0.01);
    expect(levelWeight(level('birth date', 'exact'))).toBeGreaterThan(5);
    expect(levelWeight(level('birth date', 'different'))).toBeLessThan(-2);
    // Eight cities: agreeing on one says little; a shared postcode says much more.
    expect(levelWeight(level('city', 'exact'))).toBeLessThan(levelWeight(level('postcode', 'exact')));
    expect(model.prior).toBeGreaterThan(0);
    expect(model.prior).toBeLessThan(0.01);
  });

  it('separates copies of one person from different people among candidate pairs', () => {
    const blocks = new Map<string, number[]>();
    data.forEach((d, i) => blockingKeys(d.record).forEach((key) => blocks.set(key, [...(blocks.get(key) ?? []), i])));
    const candidates = new Set<string>();
    for (const members of blocks.values()) for (const i of members) for (const j of members) if (i < j) candidates.add(`${i} ${j}`);
    let tp = 0;
    let fp = 0;
    for (const pair of candidates) {
      const [i, j] = pair.split(' ').map(Number);
      if (score(model, data[i].record, data[j].record).probability < 0.9) continue;
      if (data[i].person === data[j].person) tp++;
      else fp++;
    }
    const sizes = new Map<number, number>();
    for (const d of data) sizes.set(d.person, (sizes.get(d.person) ?? 0) + 1);
    const truePairs = [...sizes.values()].reduce((sum, k) => sum + (k * (k - 1)) / 2, 0);
    expect(tp / (tp + fp)).toBeGreaterThan(0.97);
    expect(tp / truePairs).toBeGreaterThan(0.9);
  });

  it('explains a score by each comparison it made', () => {
    const a = matchRecordOf({ firstName: 'Anna', lastName: 'Schmidt', birthday: '1980-01-02' });
    const b = matchRecordOf({ firstName: 'Anna', lastName: 'Schmitt', birthday: '1980-01-02' });
    const result = score(model, a, b);
    expect(result.contributions.map((c) => [c.comparison, c.level])).toEqual([
      ['first name', 'exact'],
      ['last name', 'Jaro-Winkler >= 0.92'],
      ['birth date', 'exact'],
    ]);
    const sum = result.contributions.reduce((total, c) => total + c.weight, Math.log2(model.prior / (1 - model.prior)));
    expect(result.weight).toBeCloseTo(sum, 9);
    expect(scoreGamma(model, compare(a, b)).probability).toBeCloseTo(result.probability, 12);
  });

  it('is the same model from the same data', () => {
    const again = trainModel(
      data.map((d) => d.record),
      { randomPairs: 100_000, clock: () => new Date('2026-12-01T00:00:00Z') },
    );
    expect(again).toEqual(model);
  });
});
