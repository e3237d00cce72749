import { PROFILE_ATTRIBUTES, type Candidate, type Candidates } from './profile-attributes';

/**
 * How a customer's candidates are stored (JSON on the node). One observation (a source, the time its fact was
 * true, the event or record it came in) usually gives several attributes at once; stored per attribute, it was
 * repeated with each, and those repeats were most of what an identify wrote. So each observation is stored once and
 * the values point to it: `{"observations": [[source, at, ref], ...], "values": {"firstName": [[0, "Ada"]], ...}}`.
 */
type Stored = { observations: [string, string, string][]; values: Partial<Record<string, [number, string][]>> };

export function encodeCandidates(candidates: Candidates): string {
  const observations: Stored['observations'] = [];
  const index = new Map<string, number>();
  const values: Stored['values'] = {};
  for (const attribute of PROFILE_ATTRIBUTES) {
    const list = candidates[attribute];
    if (!list || list.length === 0) continue;
    values[attribute] = list.map(({ value, source, at, ref }) => {
      const key = JSON.stringify([source, at, ref]);
      let i = index.get(key);
      if (i === undefined) {
        i = observations.push([source, at, ref]) - 1;
        index.set(key, i);
      }
      return [i, value];
    });
  }
  return JSON.stringify({ observations, values } satisfies Stored);
}

/** Also reads candidates stored per attribute, as profiles written before this encoding hold them. */
export function decodeCandidates(json: string | null): Candidates {
  if (!json) return {};
  const parsed = JSON.parse(json) as Stored | Candidates;
  if (!isStored(parsed)) return parsed;
  const candidates: Candidates = {};
  for (const attribute of PROFILE_ATTRIBUTES) {
    const list = parsed.values[attribute];
    if (!list) continue;
    candidates[attribute] = list.map(([i, value]): Candidate => {
      const [source, at, ref] = parsed.observations[i];
      return { value, source, at, ref };
    });
  }
  return candidates;
}

const isStored = (parsed: Stored | Candidates): parsed is Stored => Array.isArray((parsed as Stored).observations);
