import * as hdr from 'hdr-histogram-js';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { Pool } from 'undici';

export type PacedLoad = {
  url: string;
  headers: Record<string, string>;
  /** Requests per second, evenly spaced. */
  rate: number;
  seconds: number;
  /** Most requests in flight at once; more wait for a connection, and that wait counts in their latency. */
  connections: number;
  /** The body of each request in turn (cycled when fewer than rate x seconds). */
  bodies: string[];
};

/** `graphqlErrors`: 2xx answers whose body carries GraphQL errors: failures, though the status says otherwise. */
export type PacedResult = {
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  errors: number;
  non2xx: number;
  graphqlErrors: number;
  total: number;
  /**
   * How late the generator itself sent requests (ms after they were due), p99 and max: a generator that stalls
   * (its own GC, a busy event loop) adds this to every latency it records, so a high figure here voids the p99.
   */
  generatorLagP99: number;
  generatorLagMax: number;
};

/** True when a GraphQL answer's body reports errors (or is not a GraphQL answer at all). */
export function carriesErrors(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { errors?: unknown[]; data?: unknown };
    return (Array.isArray(parsed.errors) && parsed.errors.length > 0) || parsed.data === undefined || parsed.data === null;
  } catch {
    return true;
  }
}

/**
 * An open-model load at a constant rate: request i is due at start + i / rate, whatever became of the ones before.
 * autocannon's rate option sends each second's quota back to back and then idles (mcollina/autocannon#174), which
 * measures bursts at saturation rather than a steady rate. Latency runs from when a request was due, not when it
 * left, so a server (or a generator) that falls behind shows it instead of hiding it (coordinated omission).
 */
export async function pacedLoad(options: PacedLoad): Promise<PacedResult> {
  const lagUs = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });
  const target = new URL(options.url);
  const pool = new Pool(target.origin, { connections: options.connections, pipelining: 1 });
  const latencyUs = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });
  const total = Math.round(options.rate * options.seconds);
  const intervalMs = 1000 / options.rate;
  const inFlight = new Set<Promise<void>>();
  let errors = 0;
  let non2xx = 0;
  let graphqlErrors = 0;

  const send = (dueAt: number) => {
    const request = pool
      .request({ method: 'POST', path: target.pathname + target.search, headers: options.headers, body: options.bodies[sent % options.bodies.length] })
      .then(async (response) => {
        const body = await response.body.text();
        latencyUs.recordValue(Math.max(1, Math.round((performance.now() - dueAt) * 1000)));
        if (response.statusCode < 200 || response.statusCode >= 300) non2xx++;
        else if (carriesErrors(body)) graphqlErrors++;
      })
      .catch(() => {
        errors++;
      })
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
  };

  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const now = performance.now();
    // Every request whose time has come goes now: a late timer must not thin out the rate.
    while (sent < total && start + sent * intervalMs <= now) {
      const dueAt = start + sent * intervalMs;
      lagUs.recordValue(Math.max(1, Math.round((performance.now() - dueAt) * 1000)));
      send(dueAt);
      sent++;
    }
    const next = start + sent * intervalMs - performance.now();
    if (next > 0) await new Promise((resolve) => setTimeout(resolve, next));
  }
  await Promise.all(inFlight);
  const elapsedSeconds = (performance.now() - start) / 1000;
  await pool.close();

  const ms = (percentile: number) => latencyUs.getValueAtPercentile(percentile) / 1000;
  const result = {
    rps: (total - errors) / elapsedSeconds,
    p50: ms(50),
    p90: ms(90),
    p99: ms(99),
    max: latencyUs.maxValue / 1000,
    errors,
    non2xx,
    graphqlErrors,
    total,
    generatorLagP99: lagUs.getValueAtPercentile(99) / 1000,
    generatorLagMax: lagUs.maxValue / 1000,
  };
  latencyUs.destroy();
  lagUs.destroy();
  return result;
}

/**
 * pacedLoad in a worker thread of its own: the bench process also runs an API (startBenchStack) with its
 * background jobs and its garbage collector, and a pause of that event loop would delay the generator and count as
 * the measured server's latency. The worker has its own event loop and heap; the bodies are made beforehand.
 */
export function pacedLoadInWorker(options: PacedLoad): Promise<PacedResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, 'paced-load.worker.js'), { workerData: options });
    worker.once('message', (result: PacedResult) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the load generator's worker exited with code ${code}`));
    });
  });
}
