import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/config';
import { CypherRegistry } from '../../infra/neo4j/cypher-registry';
import { UsageError } from '../../infra/services/process-lifecycle';
import { runCommand } from '../../infra/services/run-command';
import { DEFAULT_THRESHOLDS, levelWeight, type MatchModel } from './match-model';
import { MatchModelStore } from './model-store';
import { trainModel } from './train-model';

const USAGE = `Usage: npm run match:train -- [--source NAME] [--merge P] [--review P] [--random-pairs N] [--dry-run]

Estimates a probabilistic matching model (Fellegi-Sunter; m and u by expectation maximisation, no labels) from
the evidence log's records with personal attributes, prints its parameters, and saves it as the next model
version, which is then in force (the API picks it up within MATCH_MODEL_REFRESH_SECONDS).

  --source NAME       train on the items of this source only (default: every source)
  --merge P           match probability at or above which a candidate is merged (default ${DEFAULT_THRESHOLDS.merge})
  --review P          match probability from which a candidate goes to review (default ${DEFAULT_THRESHOLDS.review})
  --random-pairs N    random record pairs that estimate u (default 1000000)
  --dry-run           print the model, do not save it
  --help              print this`;

const probability = (raw: string | undefined, name: string, fallback: number) => {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!(value > 0 && value < 1)) throw new UsageError(`--${name} must be a probability between 0 and 1 (exclusive), not "${raw}"`);
  return value;
};

function parseArguments(args: string[]) {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        source: { type: 'string' },
        merge: { type: 'string' },
        review: { type: 'string' },
        'random-pairs': { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const merge = probability(values.merge, 'merge', DEFAULT_THRESHOLDS.merge);
  const review = probability(values.review, 'review', Math.min(DEFAULT_THRESHOLDS.review, merge));
  if (review > merge) throw new UsageError(`--review ${review} is above --merge ${merge}`);
  const randomPairs = values['random-pairs'] === undefined ? 1_000_000 : Number(values['random-pairs']);
  if (!Number.isSafeInteger(randomPairs) || randomPairs < 1000) throw new UsageError('--random-pairs must be a whole number of at least 1000');
  return { help: values.help, source: values.source?.toLowerCase() ?? null, thresholds: { merge, review }, randomPairs, dryRun: values['dry-run'] };
}

/** The model as a table: each comparison's levels with m, u and match weight. */
export function describeModel(model: MatchModel, version: number | null): string {
  const lines = [
    `match model ${version === null ? '(not saved)' : `version ${version}`}: trained ${model.trainedAt} on ${model.records} records, ` +
      `${model.pairs} candidate pairs, ${model.randomPairs} random pairs, ${model.iterations} EM iterations`,
    `prior (two records at random are one person): ${model.prior.toExponential(3)}; merge at p >= ${model.thresholds.merge}, review from p >= ${model.thresholds.review}`,
  ];
  for (const comparison of model.comparisons) {
    lines.push(`  ${comparison.name}`);
    for (const level of comparison.levels) {
      lines.push(`    ${level.label.padEnd(28)} m ${level.m.toFixed(4)}  u ${level.u.toExponential(2).padStart(9)}  weight ${levelWeight(level).toFixed(2).padStart(6)}`);
    }
  }
  return lines.join('\n');
}

/** `npm run match:train`: see USAGE. */
runCommand({
  needs: 'database',
  failure: { code: 2, report: 'message', usage: USAGE },
  async run(command) {
    const args = parseArguments(process.argv.slice(2));
    if (args.help) {
      console.log(USAGE);
      return 0;
    }
    command.configure(loadConfig({ AUTH_DEV_MODE: 'true', ...process.env }));
    const db = await command.database();
    const store = new MatchModelStore(db, new CypherRegistry());
    const records = await store.trainingRecords(args.source, (read) => process.stderr.write(`\rreading the evidence log: ${read} items`));
    process.stderr.write(`\n${records.length} records with personal attributes${args.source ? ` from ${args.source}` : ''}\n`);
    if (records.length < 2) throw new Error('the evidence log holds fewer than two records with personal attributes: nothing to train on');
    const model = trainModel(records, {
      randomPairs: args.randomPairs,
      thresholds: args.thresholds,
      onProgress: (stage, done, total) => process.stderr.write(`\r${stage}: ${done}/${total}   `),
    });
    process.stderr.write('\n');
    const version = args.dryRun ? null : await store.save(model);
    console.log(describeModel(model, version));
    return 0;
  },
});
