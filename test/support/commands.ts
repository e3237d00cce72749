import { spawn } from 'node:child_process';
import path from 'node:path';

export type CommandRun = { code: number | null; output: string; lines: string[] };

const ROOT = path.resolve(__dirname, '../..');

/**
 * Runs a compiled command (`dist/...`, built by the test globalSetup) as `npm run` runs it after the build, and
 * collects what it prints on both streams. With `until`, the command is sent SIGTERM once a line matches (for
 * commands that run until stopped, such as the worker).
 */
export function runCompiledCommand(
  script: string,
  env: Record<string, string | undefined>,
  options: { args?: string[]; until?: RegExp; timeoutMs?: number } = {},
): Promise<CommandRun> {
  const child = spawn(process.execPath, [path.join(ROOT, script), ...(options.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (options.until?.test(output) && child.exitCode === null && !child.killed) child.kill('SIGTERM');
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not finish within ${options.timeoutMs ?? 120_000} ms. Output:\n${output}`));
    }, options.timeoutMs ?? 120_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output, lines: output.split('\n').filter((line) => line.trim().length > 0) });
    });
  });
}
