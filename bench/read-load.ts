import autocannon from 'autocannon';
import path from 'node:path';
import type { RawEvent } from '../src/ingestion/event-normalizer';
import { startManagedProcess } from '../src/infra/services/managed-process';
import { progress, type BenchStack } from './bench-stack';
import { pacedLoad } from './paced-load';
import { processCpuMs } from './process-cpu';

/** What the read benchmarks share: the seeded customers, a server under test in its own process, and its load. */

export type Server = 'full' | 'unguarded' | 'baseline';

/** `--cpu-prof <dir>`: each server under test writes a V8 CPU profile there when it stops (open in Chrome DevTools). */
let cpuProfileDir: string | undefined;
export const profileCpuInto = (dir: string | undefined) => {
  cpuProfileDir = dir && path.resolve(dir);
};

/** `cpuMs`, `dbCpuMs`: CPU the server process and Neo4j's spent per request (null where it cannot be read). */
export type Measured = { rps: number; p50: number; p90: number; p99: number; errors: number; non2xx: number } & CpuPerRequest;
export type CpuPerRequest = { cpuMs: number | null; dbCpuMs: number | null };

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

/** `rate` requests per second evenly spaced (an open model), with latency counted from when each was due. */
export async function paced(target: Target, options: { rate: number; seconds: number; token: string; body: () => string }): Promise<Measured> {
  const cpu = cpuMeter(target);
  const result = await pacedLoad({
    url: `${target.url}/graphql`,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
    rate: options.rate,
    seconds: options.seconds,
    connections: 64,
    body: options.body,
  });
  return {
    rps: result.rps,
    p50: result.p50,
    p90: result.p90,
    p99: result.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    ...cpu(result.total),
  };
}

export async function load(target: Target, options: Load): Promise<Measured> {
  const cpu = cpuMeter(target);
  const result = await autocannon({
    url: `${target.url}/graphql`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
    connections: options.connections,
    duration: options.seconds,
    requests: [{ setupRequest: (request) => ({ ...request, body: options.body() }) }],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    ...cpu(result.requests.total),
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

const cpuText = (ms: number | null) => (ms === null ? 'n/a' : ms.toFixed(3));
const millis = (ms: number) => (Number.isInteger(ms) ? String(ms) : ms.toFixed(1));
export const row = (label: string, mode: string, m: Measured) =>
  `${label.padEnd(26)} ${mode.padEnd(18)} ${m.rps.toFixed(1).padStart(8)} ${millis(m.p50).padStart(8)} ${millis(m.p90).padStart(8)} ${millis(m.p99).padStart(8)} ${String(m.errors).padStart(7)} ${String(m.non2xx).padStart(8)} ${cpuText(m.cpuMs).padStart(12)} ${cpuText(m.dbCpuMs).padStart(12)}`;
export const CPU_NOTE =
  'CPU ms/req, Neo4j ms/req: CPU time (user + system) the server process and the Neo4j process spent per request; stabler than req/s on a shared machine';
export const HEADER = `${'server'.padEnd(26)} ${'mode'.padEnd(18)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p90 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'errors'.padStart(7)} ${'non-2xx'.padStart(8)} ${'CPU ms/req'.padStart(12)} ${'Neo4j ms/req'.padStart(12)}`;

