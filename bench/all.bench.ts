import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { targetTable, type TargetResult } from './trials';

/** Every benchmark with the arguments that measure the targets; each writes its targets with `--json`. */
const BENCHES: Record<string, { script: string; args: string[] }> = {
  ingest: { script: 'ingest.bench.js', args: [] },
  read: { script: 'read.bench.js', args: ['--roles', 'service,analyst'] },
  policy: { script: 'policy.bench.js', args: [] },
  audience: { script: 'audience.bench.js', args: [] },
  match: { script: 'match.bench.js', args: [] },
};

function runBench(name: string, file: string): Promise<number> {
  const { script, args } = BENCHES[name];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, script), ...args, '--json', file], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

/**
 * `npm run bench`: runs every benchmark one after another (never side by side: they share the machine) and prints
 * one table of every target with its worst-of-three figure. It prints; it does not fail a build.
 */
async function main() {
  const { values } = parseArgs({ options: { only: { type: 'string', default: Object.keys(BENCHES).join(',') } } });
  const names = values.only!.split(',');
  const unknown = names.filter((n) => !(n in BENCHES));
  if (unknown.length > 0) throw new Error(`--only lists benchmarks among ${Object.keys(BENCHES).join(', ')}; not ${unknown.join(', ')}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'c360-bench-results-'));
  const results: TargetResult[] = [];
  const failed: string[] = [];
  try {
    for (const name of names) {
      const file = path.join(dir, `${name}.json`);
      const code = await runBench(name, file);
      if (code !== 0) failed.push(`${name} (exit ${code})`);
      try {
        results.push(...(JSON.parse(readFileSync(file, 'utf8')) as TargetResult[]));
      } catch {
        failed.push(`${name} (no results)`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\nnpm run bench: every target, worst of its runs (${os.cpus().length} cores, load now ${os.loadavg()[0].toFixed(2)})\n`);
  console.log(targetTable(results));
  if (failed.length > 0) console.log(`\nbenchmarks that did not finish: ${failed.join(', ')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
