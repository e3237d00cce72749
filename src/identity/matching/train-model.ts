import { BLOCKING_RULES, blockingKeys, COMPARISONS, compare, type BlockingRule, type Comparison } from './comparisons';
import { DEFAULT_THRESHOLDS, type MatchModel } from './match-model';
import type { MatchRecord } from './match-record';

export type TrainingOptions = {
  /** Random pairs that estimate u (almost all of them are two different people). */
  randomPairs?: number;
  /** A blocking key shared by more records than this is too common to say anything: its pairs are left out. */
  maxBlock?: number;
  maxIterations?: number;
  /** EM stops when no m moves by more than this. */
  tolerance?: number;
  seed?: number;
  thresholds?: MatchModel['thresholds'];
  onProgress?: (stage: 'random pairs' | 'expectation maximisation', done: number, total: number) => void;
  clock?: () => Date;
};

/** Seeded, so the same data gives the same model. */
function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MISSING = -1;

/** The blocking rules EM trains on, one session each: a person's names, their birth date, their place. */
const TRAINING_RULES = BLOCKING_RULES.filter((rule) => ['names', 'born', 'place'].includes(rule.name));

/** "Matches mostly agree": where EM starts. */
const initialM = (levels: number) => Array.from({ length: levels }, (_, level) => (level === 0 ? 0.9 : 0.1 / (levels - 1)));

/** The comparison vectors of the record pairs sharing a key of `rules`, each pair once. */
function blockedPairs(records: MatchRecord[], rules: readonly BlockingRule[], maxBlock: number, comparisons: readonly Comparison[]): Int8Array[] {
  const n = records.length;
  const blocks = new Map<string, number[]>();
  records.forEach((record, i) => {
    for (const key of blockingKeys(record, rules)) {
      const block = blocks.get(key);
      if (block) block.push(i);
      else blocks.set(key, [i]);
    }
  });
  const seen = new Set<number>();
  const gammas: Int8Array[] = [];
  for (const members of blocks.values()) {
    if (members.length < 2 || members.length > maxBlock) continue;
    for (let a = 0; a < members.length; a++) {
      for (let b = a + 1; b < members.length; b++) {
        const id = members[a] * n + members[b];
        if (seen.has(id)) continue;
        seen.add(id);
        gammas.push(Int8Array.from(compare(records[members[a]], records[members[b]], comparisons), (level) => level ?? MISSING));
      }
    }
  }
  return gammas;
}

/** A pair's posterior of being one person, under m, u and the prior share of matches. */
function posterior(gamma: Int8Array, lm: number[][], lu: number[][], priorLogOdds: number, active: boolean[] | null): number {
  let logOdds = priorLogOdds;
  for (let k = 0; k < gamma.length; k++) if (gamma[k] !== MISSING && (active === null || active[k])) logOdds += lm[k][gamma[k]] - lu[k][gamma[k]];
  return 1 / (1 + Math.exp(-logOdds));
}

const logs = (table: number[][]) => table.map((levels) => levels.map(Math.log));
const clampShare = (x: number) => Math.min(Math.max(x, 1e-9), 1 - 1e-9);

/** EM with u held fixed: alternates each pair's posterior and the m (and share of matches) it implies. */
function expectationMaximisation(gammas: Int8Array[], active: boolean[], u: number[][], levelsOf: number[], maxIterations: number, tolerance: number) {
  let m = levelsOf.map(initialM);
  let lambda = 0.1;
  const lu = logs(u);
  let iterations = 0;
  while (iterations < maxIterations) {
    iterations++;
    const lm = logs(m);
    const sums = levelsOf.map((l) => new Array<number>(l).fill(0));
    const totals = new Array<number>(levelsOf.length).fill(0);
    let pSum = 0;
    const priorLogOdds = Math.log(lambda / (1 - lambda));
    for (const gamma of gammas) {
      const p = posterior(gamma, lm, lu, priorLogOdds, active);
      pSum += p;
      for (let k = 0; k < gamma.length; k++) {
        if (gamma[k] === MISSING || !active[k]) continue;
        sums[k][gamma[k]] += p;
        totals[k] += p;
      }
    }
    // One expected match on every level (Laplace): a level no match reached in the data is rare, not impossible. With
    // a sliver instead, clean data (no typos between one person's records) gave a one-letter typo -15 bits.
    const next = sums.map((levels, k) => levels.map((x) => (x + 1) / (totals[k] + levels.length)));
    const moved = Math.max(...next.flatMap((levels, k) => (active[k] ? levels.map((x, l) => Math.abs(x - m[k][l])) : [0])));
    m = next;
    lambda = clampShare(pSum / gammas.length);
    if (moved < tolerance) break;
  }
  return { m, lambda, iterations };
}

/** The share of matches among `gammas` under fixed m and u: the fixed point of "the mean posterior". */
function shareOfMatches(gammas: Int8Array[], m: number[][], u: number[][]): number {
  const lm = logs(m);
  const lu = logs(u);
  let lambda = 0.1;
  for (let i = 0; i < 100; i++) {
    const priorLogOdds = Math.log(lambda / (1 - lambda));
    const next = clampShare(gammas.reduce((sum, gamma) => sum + posterior(gamma, lm, lu, priorLogOdds, null), 0) / gammas.length);
    if (Math.abs(next - lambda) < 1e-9) return next;
    lambda = next;
  }
  return lambda;
}

/**
 * Estimates a Fellegi-Sunter model from unlabelled records, the way Splink does: u from random pairs; m by
 * expectation maximisation over the pairs of a few blocking rules, u held fixed; the prior from the share of matches
 * among all candidate pairs.
 */
export function trainModel(records: MatchRecord[], options: TrainingOptions = {}, comparisons: readonly Comparison[] = COMPARISONS): MatchModel {
  const { randomPairs = 1_000_000, maxBlock = 200, maxIterations = 100, tolerance = 1e-6, seed = 42, onProgress } = options;
  const n = records.length;
  const allPairs = (n * (n - 1)) / 2;
  if (n < 2) throw new Error('training needs at least two records with personal attributes');
  const levelsOf = comparisons.map((c) => c.levels.length);

  // u: how often each level occurs between two records drawn at random.
  const random = mulberry32(seed);
  const sampled = Math.min(randomPairs, allPairs);
  const uCounts = levelsOf.map((l) => new Array<number>(l).fill(0));
  for (let s = 0; s < sampled; s++) {
    const i = Math.floor(random() * n);
    let j = Math.floor(random() * (n - 1));
    if (j >= i) j++;
    compare(records[i], records[j], comparisons).forEach((level, k) => {
      if (level !== null) uCounts[k][level]++;
    });
    if (s % 100_000 === 0) onProgress?.('random pairs', s, sampled);
  }
  onProgress?.('random pairs', sampled, sampled);
  // Half a count on every level: a level no random pair reached is rare, not impossible.
  const u = uCounts.map((counts) => {
    const total = counts.reduce((a, b) => a + b, 0) + counts.length / 2;
    return counts.map((c) => (c + 0.5) / total);
  });

  // m: expectation maximisation over the pairs of each training rule, as Splink trains it. A rule's own fields agree
  // in every pair it yields, so they are left out of its session and estimated in the others.
  const pairsOf = (rule: BlockingRule) => blockedPairs(records, [rule], maxBlock, comparisons);
  const mEstimates: number[][][] = levelsOf.map(() => []);
  let iterations = 0;
  for (const [s, rule] of TRAINING_RULES.entries()) {
    onProgress?.('expectation maximisation', s, TRAINING_RULES.length);
    const gammas = pairsOf(rule);
    if (gammas.length === 0) continue;
    const active = comparisons.map((c) => !rule.fields.includes(c.field));
    const session = expectationMaximisation(gammas, active, u, levelsOf, maxIterations, tolerance);
    iterations += session.iterations;
    session.m.forEach((levels, k) => {
      if (active[k]) mEstimates[k].push(levels);
    });
  }
  onProgress?.('expectation maximisation', TRAINING_RULES.length, TRAINING_RULES.length);
  const m = levelsOf.map((l, k) =>
    mEstimates[k].length === 0
      ? initialM(l)
      : Array.from({ length: l }, (_, level) => mEstimates[k].reduce((sum, levels) => sum + levels[level], 0) / mEstimates[k].length),
  );

  // The prior: how many of all the candidate pairs are matches under the final m and u, out of all pairs.
  const all = blockedPairs(records, BLOCKING_RULES, maxBlock, comparisons);
  if (all.length === 0) throw new Error('no two records share a blocking key: nothing to learn from');
  const lambda = shareOfMatches(all, m, u);
  const expectedMatches = lambda * all.length;
  return {
    trainedAt: (options.clock?.() ?? new Date()).toISOString(),
    records: n,
    pairs: all.length,
    randomPairs: sampled,
    iterations,
    // Matches outside the blocked pairs are few (blocking keys are chosen so): the blocked ones estimate them all.
    prior: Math.min(Math.max(expectedMatches / allPairs, 1e-12), 0.5),
    comparisons: comparisons.map((c, k) => ({
      name: c.name,
      field: c.field,
      levels: c.levels.map((label, l) => ({ label, m: m[k][l], u: u[k][l] })),
    })),
    thresholds: options.thresholds ?? DEFAULT_THRESHOLDS,
  };
}
