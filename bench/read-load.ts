import autocannon from 'autocannon';
import path from 'node:path';
import type { RawEvent } from '../src/ingestion/event-normalizer';
import { startManagedProcess } from '../src/infra/services/managed-process';
import { progress, type BenchStack } from './bench-stack';
import { carriesErrors, pacedLoadInWorker } from './paced-load';
import { processCpuMs } from './process-cpu';

/** What the read benchmarks share: the seeded customers, a server under test in its own process, and its load. */

export type Server = 'full' | 'unguarded' | 'baseline';

/** `--cpu-prof <dir>`: each server under test writes a V8 CPU profile there when it stops (open in Chrome DevTools). */
let cpuProfileDir: string | undefined;
export const profileCpuInto = (dir: string | undefined) => {
  cpuProfileDir = dir && path.resolve(dir);
};

/**
 * `cpuMs`, `dbCpuMs`: CPU the server process and Neo4j's spent per request (null where it cannot be read).
 * `graphqlErrors`: 2xx answers whose body carries GraphQL errors; with `errors` and `non2xx`, the failed answers.
 * `statements`: the Cypher statements the server ran per request (null when it does not say).
 */
export type Measured = {
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  errors: number;
  non2xx: number;
  graphqlErrors: number;
  requests: number;
  statements: Statements | null;
  /** Fixed-rate loads only: how late the generator sent its requests, p99 (see PacedResult). */
  generatorLagP99?: number;
} & CpuPerRequest;
export type CpuPerRequest = { cpuMs: number | null; dbCpuMs: number | null };

/**
 * Statements per request, from the server's own count (`c360_neo4j_query_duration_seconds_count` on /metrics, by
 * file under cypher/). `lookups`: the profile reads among them. The full stack coalesces the lookups of concurrent
 * requests into one statement (CoalescedLookup) and the baseline does not, so below 1 it did work for several.
 */
export type Statements = { perRequest: number; lookups: number; byName: Record<string, number> };

/** The statements that read a profile: the full stack's two lookups and the baseline's one query. */
const LOOKUP_STATEMENTS = new Set(['customers/profiles-by-identifier-keys', 'customers/profiles-by-ids', 'bench/baseline-profile']);

/** Every failed answer a measurement counted: transport errors, non-2xx, and 2xx answers carrying GraphQL errors. */
export const failedAnswers = (m: Pick<Measured, 'errors' | 'non2xx' | 'graphqlErrors'>) => m.errors + m.non2xx + m.graphqlErrors;

export function customerEvent(i: number): RawEvent {
  return {
    messageId: `read-bench-${i}`,
    type: 'IDENTIFY',
    userId: `rb-user-${i}`,
    source: i % 3 === 0 ? 'mobile' : 'web',
    traits: { email: `rb-${i}@read.bench`, firstName: `First${i}`, lastName: `Last${i}` },
    context: {
      device: { id: `rb-dev-${i}`, type: 'android', model: 'Pixel 8' },
      consent: { categoryPreferences: { analytics: true, marketing_email: i % 2 === 0 } },
    },
  };
}

/** Ingests the customers (a replay of ones already there changes nothing) and returns their ids, in order. */
export async function seed(stack: BenchStack, customers: number): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < customers; start += 1000) {
    const batch = Array.from({ length: Math.min(1000, customers - start) }, (_, k) => customerEvent(start + k));
    const results = await stack.app.services.ingestion.ingestEvents(batch);
    ids.push(...results.map((r) => r.customerId!));
    progress('seeding customers', Math.min(start + 1000, customers), customers);
  }
  return ids;
}

export type Load = { connections: number; seconds: number; token: string; body: () => string };
export type Target = { url: string; pid: number; neo4jPid?: number };

/** Starts counting the CPU time of the server and of Neo4j (when it is a local process); the result is per request. */
export function cpuMeter({ pid, neo4jPid }: Target): (requests: number) => CpuPerRequest {
  const perRequest = (processId: number | undefined) => {
    const before = processId === undefined ? null : processCpuMs(processId);
    return (requests: number) => (before === null ? null : (processCpuMs(processId!)! - before) / Math.max(1, requests));
  };
  const server = perRequest(pid);
  const db = perRequest(neo4jPid);
  return (requests) => ({ cpuMs: server(requests), dbCpuMs: db(requests) });
}

async function statementCounts(target: Target): Promise<Map<string, number> | null> {
  try {
    const response = await fetch(`${target.url}/metrics`);
    if (!response.ok) return null;
    const counts = new Map<string, number>();
    for (const [, name, count] of (await response.text()).matchAll(/^c360_neo4j_query_duration_seconds_count\{query="([^"]+)"\} (\d+)$/gm)) {
      counts.set(name!, Number(count));
    }
    return counts;
  } catch {
    return null;
  }
}

/** Starts counting the statements the server runs; the result is per request. */
async function statementMeter(target: Target): Promise<(requests: number) => Promise<Statements | null>> {
  const before = await statementCounts(target);
  return async (requests) => {
    const after = await statementCounts(target);
    if (!before || !after) return null;
    const byName: Record<string, number> = {};
    let all = 0;
    let lookups = 0;
    for (const [name, count] of after) {
      const ran = count - (before.get(name) ?? 0);
      if (ran === 0) continue;
      byName[name] = ran / Math.max(1, requests);
      all += ran;
      if (LOOKUP_STATEMENTS.has(name)) lookups += ran;
    }
    return { perRequest: all / Math.max(1, requests), lookups: lookups / Math.max(1, requests), byName };
  };
}

/** `rate` requests per second evenly spaced (an open model), with latency counted from when each was due. */
/**
 * `settleMs`: how long after the last answer the CPU meters keep running, so work the requests left behind (the
 * audit entries a flush writes up to a tick later) is counted with them and not with whatever runs next.
 */
export type Settle = { settleMs?: number };

const settled = (options: Settle) => new Promise((resolve) => setTimeout(resolve, options.settleMs ?? 0));

export async function paced(target: Target, options: { rate: number; seconds: number; token: string; body: () => string } & Settle): Promise<Measured> {
  const statements = await statementMeter(target);
  const cpu = cpuMeter(target);
  const result = await pacedLoadInWorker({
    url: `${target.url}/graphql`,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
    rate: options.rate,
    seconds: options.seconds,
    connections: 64,
    bodies: Array.from({ length: Math.round(options.rate * options.seconds) }, options.body),
  });
  await settled(options);
  return {
    rps: result.rps,
    p50: result.p50,
    p90: result.p90,
    p99: result.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    graphqlErrors: result.graphqlErrors,
    requests: result.total,
    generatorLagP99: result.generatorLagP99,
    // CPU first: reading /metrics costs the server a little.
    ...cpu(result.total),
    statements: await statements(result.total),
  };
}

/** What a closed-model load gives back: autocannon's result, with the answers whose body failed counted. */
export type CheckedLoad = { result: autocannon.Result; graphqlErrors: number; refusedForAuditBacklog: number };

/**
 * As many requests as `connections` keep in flight (a closed model), every answer's body checked: a 200 carrying
 * errors is a failed answer (autocannon counts non-2xx ones), a 503 for the audit backlog a refusal.
 */
export async function checkedAutocannon(target: Target, options: Load, timeoutSeconds?: number): Promise<CheckedLoad> {
  let graphqlErrors = 0;
  let refusedForAuditBacklog = 0;
  const result = await autocannon({
    url: `${target.url}/graphql`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
    connections: options.connections,
    duration: options.seconds,
    ...(timeoutSeconds ? { timeout: timeoutSeconds } : {}),
    requests: [
      {
        setupRequest: (request) => ({ ...request, body: options.body() }),
        onResponse: (status, body) => {
          if (status >= 200 && status < 300 && carriesErrors(body)) graphqlErrors++;
          if (status === 503 && body.includes('AUDIT_BACKLOG')) refusedForAuditBacklog++;
        },
      },
    ],
  });
  return { result, graphqlErrors, refusedForAuditBacklog };
}

/** As many requests as `connections` keep in flight (a closed model), every answer's body checked. */
export async function load(target: Target, options: Load & Settle): Promise<Measured> {
  const statements = await statementMeter(target);
  const cpu = cpuMeter(target);
  const { result, graphqlErrors } = await checkedAutocannon(target, options);
  await settled(options);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    graphqlErrors,
    requests: result.requests.total,
    ...cpu(result.requests.total),
    statements: await statements(result.requests.total),
  };
}

/** Starts one server under test in a process of its own, against the seeded Neo4j, and runs `measure` on it. */
export async function withServer<T>(
  stack: BenchStack,
  server: Server,
  measure: (target: Target) => Promise<T>,
  env: Record<string, string> = {},
): Promise<T> {
  const child = await startManagedProcess({
    name: `read benchmark server (${server})`,
    command: process.execPath,
    args: [...(cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : []), path.join(__dirname, 'read-server.command.js'), server],
    env: {
      ...process.env,
      AUTH_JWT_SECRET: stack.secret,
      NEO4J_URI: stack.neo4j.uri,
      NEO4J_USER: stack.neo4j.user,
      ...(stack.neo4j.password ? { NEO4J_PASSWORD: stack.neo4j.password } : {}),
      ...env,
    },
    ready: /^READY /,
    timeoutMs: 60_000,
  });
  try {
    return await measure({ url: child.readyLine.replace(/^READY /, '').trim(), pid: child.pid, neo4jPid: stack.neo4j.pid });
  } finally {
    await child.stop();
  }
}

/** Several servers under test at once, each in its own process, so measurements of each can alternate. */
export async function withServers<T>(
  stack: BenchStack,
  servers: readonly Server[],
  measure: (targets: Map<Server, Target>) => Promise<T>,
  env: Record<string, string> = {},
  started: Map<Server, Target> = new Map(),
): Promise<T> {
  const [first, ...rest] = servers;
  if (first === undefined) return measure(started);
  return withServer(stack, first, (target) => withServers(stack, rest, measure, env, new Map([...started, [first, target]])), env);
}

const cpuText = (ms: number | null) => (ms === null ? 'n/a' : ms.toFixed(3));
const perRequest = (n: number | undefined) => (n === undefined ? 'n/a' : n.toFixed(2));
const millis = (ms: number) => (Number.isInteger(ms) ? String(ms) : ms.toFixed(1));
export const row = (label: string, mode: string, m: Measured) =>
  [
    label.padEnd(26),
    mode.padEnd(18),
    m.rps.toFixed(1).padStart(8),
    millis(m.p50).padStart(8),
    millis(m.p90).padStart(8),
    millis(m.p99).padStart(8),
    String(failedAnswers(m)).padStart(7),
    cpuText(m.cpuMs).padStart(12),
    cpuText(m.dbCpuMs).padStart(12),
    perRequest(m.statements?.perRequest).padStart(10),
    perRequest(m.statements?.lookups).padStart(10),
    (m.generatorLagP99 === undefined ? '-' : millis(m.generatorLagP99)).padStart(11),
  ].join(' ');
export const CPU_NOTE = [
  'CPU ms/req, Neo4j ms/req: CPU time (user + system) the server process and the Neo4j process spent per request; stabler than req/s on a shared machine',
  'failed: transport errors, non-2xx answers and 200 answers carrying GraphQL errors',
  'stmts/req: Cypher statements the server ran per request (audit writes included); lookups/req: the profile reads among them, below 1 where',
  '  the full stack read the profiles of concurrent requests in one statement (it coalesces lookups; the baseline runs one query per request)',
  'gen lag p99: fixed rate only, how late the load generator (a worker thread of its own) sent requests; it is inside every latency, so a',
  '  p99 near it says the generator or the machine stalled, not the server',
].join('\n');
export const HEADER = [
  'server'.padEnd(26),
  'mode'.padEnd(18),
  'req/s'.padStart(8),
  'p50 ms'.padStart(8),
  'p90 ms'.padStart(8),
  'p99 ms'.padStart(8),
  'failed'.padStart(7),
  'CPU ms/req'.padStart(12),
  'Neo4j ms/req'.padStart(12),
  'stmts/req'.padStart(10),
  'lookups/req'.padStart(10),
  'gen lag p99'.padStart(11),
].join(' ');
