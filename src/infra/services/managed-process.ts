import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

export type ProcessExit = { code: number | null; signal: NodeJS.Signals | null };

export type ManagedProcess = {
  pid: number;
  /** The output line that signalled readiness. */
  readyLine: string;
  /** Settles when the child exits, whether stopped or not: a supervisor restarts a child that died on its own. */
  exited: Promise<ProcessExit>;
  stop(): Promise<void>;
};

/** The child failed to start; `output` holds its last lines, for a caller that can explain them better. */
export class ProcessStartError extends Error {
  constructor(
    message: string,
    readonly output: string[],
  ) {
    super(message);
  }
}

type StartOptions = {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Keep the child's stdin open as a lifeline: a child that watches it stops when this process dies. */
  stdinLifeline?: boolean;
  /** Resolves the start once a line of the child's output matches. */
  ready: RegExp;
  /** Every line the child prints, before and after it is ready (its output is otherwise only kept to explain a failed start). */
  onLine?: (line: string) => void;
  timeoutMs: number;
  stopTimeoutMs?: number;
};

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** A child left behind would hold its port and data directory: kill what is still running when Node exits. */
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

export async function startManagedProcess(options: StartOptions): Promise<ManagedProcess> {
  installExitHook();
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    stdio: [options.stdinLifeline ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const tail: string[] = [];
  let exited = false;
  const exit = new Promise<ProcessExit>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = true;
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  // 'error' without a start never emits 'exit'.
  child.once('error', () => running.delete(child));

  const readyLine = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new ProcessStartError(`${options.name} did not become ready within ${options.timeoutMs} ms. Last output:\n${tail.join('\n')}`, tail));
    }, options.timeoutMs);
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (line.trim()) {
          tail.push(line);
          options.onLine?.(line);
        }
        if (tail.length > 40) tail.shift();
        if (options.ready.test(line)) {
          clearTimeout(timer);
          resolve(line);
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new ProcessStartError(`${options.name} could not be started (${options.command}): ${error.message}`, tail));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new ProcessStartError(`${options.name} exited before it was ready (code ${code}, signal ${signal}). Last output:\n${tail.join('\n')}`, tail));
    });
  });
  // Keep draining output so a chatty child never blocks on a full pipe.
  child.stdout!.resume();
  child.stderr!.resume();

  return {
    pid: child.pid!,
    readyLine,
    exited: exit,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), options.stopTimeoutMs ?? 30_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  server.close();
  await once(server, 'close');
  return port;
}
