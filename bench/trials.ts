import { writeFileSync } from 'node:fs';
import os from 'node:os';

/** Three runs by default: the median says what is typical, the worst what a user can count on. */
export const DEFAULT_RUNS = 3;

export type Goal = { atLeast: number } | { atMost: number };

/** One target of a benchmark, measured once per run. */
export type TargetResult = {
  bench: string;
  /** What was measured, as a reader of the table should read it: 'light stream, HTTP, batch 1,000'. */
  target: string;
  unit: string;
  goal: Goal;
  /** The figure of each run, in run order. */
  runs: number[];
  /** The machine's 1-minute load average just before each run. */
  loads: number[];
  /** Answers the runs counted that were failures: transport errors, non-2xx, and 2xx answers carrying GraphQL errors. */
  failedAnswers: number;
};

export const loadAverage = () => os.loadavg()[0];

/** Runs `measure` `runs` times, noting the load average before each. */
export async function trials<T>(runs: number, label: string, measure: (run: number) => Promise<T>): Promise<{ value: T; load: number }[]> {
  const out: { value: T; load: number }[] = [];
  for (let run = 0; run < runs; run++) {
    const load = loadAverage();
    process.stderr.write(`${label}: run ${run + 1} of ${runs} (load ${load.toFixed(2)})\n`);
    out.push({ value: await measure(run), load });
  }
  return out;
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

export function median(xs: number[]): number {
  const s = sorted(xs);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The run furthest from the goal's good side: the lowest rate, the highest latency. */
export function worst(result: Pick<TargetResult, 'goal' | 'runs'>): number {
  return 'atLeast' in result.goal ? Math.min(...result.runs) : Math.max(...result.runs);
}

/** A target passes when its worst run meets the goal and no counted answer failed. */
export function passes(result: TargetResult): boolean {
  const figure = worst(result);
  const met = 'atLeast' in result.goal ? figure >= result.goal.atLeast : figure <= result.goal.atMost;
  return met && result.failedAnswers === 0 && result.runs.length > 0;
}

const goalText = (goal: Goal) => ('atLeast' in goal ? `>= ${goal.atLeast}` : `<= ${goal.atMost}`);
/** Fractions (an F1, a ratio below one) keep four decimals: 0.9973 and 0.9985 must not both read 1.00. */
const figure = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(Math.abs(n) >= 10 ? 1 : Math.abs(n) >= 1 ? 2 : 4));

/** One table: every target, its runs, median, worst, and PASS or FAIL on the worst. */
export function targetTable(results: TargetResult[]): string {
  const header = ['benchmark', 'target', 'goal', 'runs', 'median', 'worst', 'failed answers', 'load before runs', 'verdict'];
  const rows = results.map((r) => [
    r.bench,
    r.target,
    `${goalText(r.goal)} ${r.unit}`,
    r.runs.map(figure).join(' / '),
    figure(median(r.runs)),
    figure(worst(r)),
    String(r.failedAnswers),
    r.loads.map((l) => l.toFixed(2)).join(' / '),
    passes(r) ? 'PASS' : 'FAIL',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}

/** `--json <file>`: where `npm run bench` collects every benchmark's targets for its one table. */
export function saveResults(file: string | undefined, results: TargetResult[]) {
  if (file) writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}
