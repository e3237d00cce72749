import { COMPARISONS, compare, type Comparison, type Gamma } from './comparisons';
import type { MatchRecord } from './match-record';

export type LevelParameters = { label: string; m: number; u: number };

/**
 * A Fellegi-Sunter model as a versioned document: for each comparison level, m (how often a true match is at that
 * level) and u (how often two different people are), and the prior that two records drawn at random are one person.
 */
export type MatchModel = {
  trainedAt: string;
  records: number;
  /** Record pairs EM ran over (those sharing a blocking key), and the random pairs that estimated u. */
  pairs: number;
  randomPairs: number;
  iterations: number;
  prior: number;
  comparisons: { name: string; field: string; levels: LevelParameters[] }[];
  /** Match probabilities: at or above `merge` a candidate is merged, from `review` up to it a steward decides. */
  thresholds: { merge: number; review: number };
};

export const DEFAULT_THRESHOLDS = { merge: 0.99, review: 0.5 };

export type Contribution = { comparison: string; level: string; weight: number };
export type Score = { weight: number; probability: number; contributions: Contribution[] };

const log2 = Math.log2;
/** A level's match weight: how many bits of evidence for (positive) or against (negative) one person. */
export const levelWeight = (level: LevelParameters) => log2(level.m / level.u);
export const probabilityOf = (weight: number) => 1 / (1 + 2 ** -weight);

/** The model's verdict on a pair: prior plus each compared field's weight; fields either record lacks add nothing. */
export function scoreGamma(model: MatchModel, gamma: Gamma): Score {
  let weight = log2(model.prior / (1 - model.prior));
  const contributions: Contribution[] = [];
  gamma.forEach((level, k) => {
    if (level === null) return;
    const comparison = model.comparisons[k];
    const w = levelWeight(comparison.levels[level]);
    weight += w;
    contributions.push({ comparison: comparison.name, level: comparison.levels[level].label, weight: w });
  });
  return { weight, probability: probabilityOf(weight), contributions };
}

export const score = (model: MatchModel, a: MatchRecord, b: MatchRecord, comparisons: readonly Comparison[] = COMPARISONS) =>
  scoreGamma(model, compare(a, b, comparisons));

/** A record's best score against any of a customer's match records; null when it has none. */
export function bestScore(model: MatchModel, record: MatchRecord, records: readonly MatchRecord[]): Score | null {
  let best: Score | null = null;
  for (const other of records) {
    const result = score(model, record, other);
    if (best === null || result.weight > best.weight) best = result;
  }
  return best;
}

/**
 * Whether a stored model was trained with these comparisons and levels: the model's parameters are read by
 * position, so one from another version of the comparisons would score wrongly.
 */
export const fitsComparisons = (model: MatchModel, comparisons: readonly Comparison[] = COMPARISONS) =>
  model.comparisons.length === comparisons.length &&
  model.comparisons.every((c, k) => c.field === comparisons[k].field && c.levels.map((l) => l.label).join('\n') === comparisons[k].levels.join('\n'));
