import { rankIn } from '../shared/rank';
import { PROFILE_ATTRIBUTES, type Candidate, type Candidates, type GoldenRecord, type GoldenSources, type Lineage, type Observations } from './profile-attributes';

/**
 * Adds observations to a customer's candidates, keeping per attribute only the newest value of each source.
 * Newest is by the time the fact was true (event timestamp, record updatedAt), so late arrivals never win.
 */
export function observe(candidates: Candidates, observations: Observations, source: string, at: string, ref: string): Candidates {
  const next: Candidates = { ...candidates };
  for (const attribute of PROFILE_ATTRIBUTES) {
    const value = observations[attribute];
    if (value === undefined || value.trim() === '') continue;
    const others = (next[attribute] ?? []).filter((candidate) => candidate.source !== source);
    const current = (next[attribute] ?? []).find((candidate) => candidate.source === source);
    const winner = current && current.at > at ? current : { value, source, at, ref };
    next[attribute] = [...others, winner];
  }
  return next;
}

/** Merges the candidates of several profiles: per attribute and source, the newest survives. */
export function combine(all: Candidates[]): Candidates {
  let merged: Candidates = {};
  for (const candidates of all) {
    for (const attribute of PROFILE_ATTRIBUTES) {
      for (const candidate of candidates[attribute] ?? []) {
        merged = observe(merged, { [attribute]: candidate.value }, candidate.source, candidate.at, candidate.ref);
      }
    }
  }
  return merged;
}

/** The lineage to store: which source each golden value came from (see GoldenSources). */
export const goldenSources = (lineage: Lineage[]): GoldenSources => Object.fromEntries(lineage.map((l) => [l.attribute, l.source]));

/** The full lineage of stored golden values: each source's candidate says when and from what the value came. */
export function lineageOf(candidates: Candidates, sources: GoldenSources): Lineage[] {
  return PROFILE_ATTRIBUTES.flatMap((attribute) => {
    const winner = (candidates[attribute] ?? []).find((candidate) => candidate.source === sources[attribute]);
    return winner ? [{ attribute, source: winner.source, at: winner.at, ref: winner.ref }] : [];
  });
}

/** Survivorship: the source earliest in the priority list wins; among equals, the most recent value. */
export function goldenRecord(candidates: Candidates, sourcePriority: string[]): GoldenRecord {
  const rank = rankIn(sourcePriority);
  const better = (a: Candidate, b: Candidate) =>
    rank(a.source) - rank(b.source) || (a.at === b.at ? a.source.localeCompare(b.source) : a.at > b.at ? -1 : 1);
  const values: Observations = {};
  const lineage: GoldenRecord['lineage'] = [];
  for (const attribute of PROFILE_ATTRIBUTES) {
    const winner = [...(candidates[attribute] ?? [])].sort(better)[0];
    if (!winner) continue;
    values[attribute] = winner.value;
    lineage.push({ attribute, source: winner.source, at: winner.at, ref: winner.ref });
  }
  return { values, lineage };
}
