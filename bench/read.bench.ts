import 'reflect-metadata';
import autocannon from 'autocannon';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { RawEvent } from '../src/ingestion/event-normalizer';
import { startManagedProcess } from '../src/infra/services/managed-process';
import { isRole, ROLE_SCOPES, ROLES, type Role } from '../src/auth/roles';
import { TokenMinter } from '../src/auth/token-minter';
import { encodeCursor } from '../src/shared/connection';
import { machineConditions, progress, startBenchStack, type BenchStack } from './bench-stack';
import { pacedLoad } from './paced-load';
import { processCpuMs } from './process-cpu';

const QUERY = `query Profile($type: IdentifierType!, $value: String!) {
  customerByIdentifier(type: $type, value: $value) {
    id firstName lastName email identifiers { type value } devices { id model } consents { purpose status }
  }
}`;

/** For a role shown identifiers masked, which may not look customers up by them: the same read, by customer id. */
const QUERY_BY_ID = `query Profile($id: ID!) {
  customer(id: $id) {
    id firstName lastName email identifiers { type value } devices { id model } consents { purpose status }
  }
}`;

/** The policy layer's worst case: one request, 1,000 customers, each with PII fields and nested identifiers. */
const LIST_QUERY = `query List($after: String) {
  customers(first: 1000, after: $after) {
    edges { node { id firstName lastName email phone city country identifiers { type value } consents { purpose status } } }
  }
}`;

type Server = 'full' | 'unguarded' | 'baseline';

/** `--cpu-prof <dir>`: each server under test writes a V8 CPU profile there when it stops (open in Chrome DevTools). */
let cpuProfileDir: string | undefined;

/**
 * Default `--warmup`: load at saturation before each server and role is measured. 15 s was enough for Node's JIT,
 * not for Neo4j's: with it, the first role measured after the seed load had p99 at 500 requests/s of 14 to 23 ms
 * and cost Neo4j twice the CPU per request it cost a minute later (measured); after 60 s, 9 ms.
 */
const WARM_UP_SECONDS = 60;
type Run = { server: Server; role: Role; label: string };

/** `cpuMs`, `dbCpuMs`: CPU the server process and Neo4j's spent per request (null where it cannot be read). */
type Measured = { rps: number; p50: number; p90: number; p99: number; errors: number; non2xx: number } & CpuPerRequest;
type CpuPerRequest = { cpuMs: number | null; dbCpuMs: number | null };

function customerEvent(i: number): RawEvent {
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
async function seed(stack: BenchStack, customers: number): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < customers; start += 1000) {
    const batch = Array.from({ length: Math.min(1000, customers - start) }, (_, k) => customerEvent(start + k));
    const results = await stack.app.services.ingestion.ingestEvents(batch);
    ids.push(...results.map((r) => r.customerId!));
    progress('seeding customers', Math.min(start + 1000, customers), customers);
  }
  return ids;
}

/**
 * Random existing customers: by identifier, half emails and half user ids, already in their normalised form; by
 * customer id for a role shown identifiers masked, which may not look them up (LOOKUP_BY_MASKED_VALUE).
 */
function randomLookup(ids: string[], role: Role) {
  const i = Math.floor(Math.random() * ids.length);
  if (!ROLE_SCOPES[role].includes('pii:read')) return JSON.stringify({ query: QUERY_BY_ID, variables: { id: ids[i] }, operationName: 'Profile' });
  const variables = i % 2 === 0 ? { type: 'EMAIL', value: `rb-${i}@read.bench` } : { type: 'USER_ID', value: `rb-user-${i}` };
  return JSON.stringify({ query: QUERY, variables, operationName: 'Profile' });
}

/** A page of 1,000 customers starting at a random one of the first pages (cursors are customer ids). */
function randomPage(firstIds: string[]) {
  const after = firstIds[Math.floor(Math.random() * firstIds.length)];
  return JSON.stringify({ query: LIST_QUERY, variables: { after: encodeCursor([after]) }, operationName: 'List' });
}

type Load = { connections: number; seconds: number; token: string; body: () => string };
type Target = { url: string; pid: number; neo4jPid?: number };

/** Starts counting the CPU time of the server and of Neo4j (when it is a local process); the result is per request. */
function cpuMeter({ pid, neo4jPid }: Target): (requests: number) => CpuPerRequest {
  const perRequest = (processId: number | undefined) => {
    const before = processId === undefined ? null : processCpuMs(processId);
    return (requests: number) => (before === null ? null : (processCpuMs(processId!)! - before) / Math.max(1, requests));
  };
  const server = perRequest(pid);
  const db = perRequest(neo4jPid);
  return (requests) => ({ cpuMs: server(requests), dbCpuMs: db(requests) });
}

/** `rate` requests per second evenly spaced (an open model), with latency counted from when each was due. */
async function paced(target: Target, options: { rate: number; seconds: number; token: string; body: () => string }): Promise<Measured> {
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

async function load(target: Target, options: Load): Promise<Measured> {
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
async function withServer<T>(
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
const row = (label: string, mode: string, m: Measured) =>
  `${label.padEnd(26)} ${mode.padEnd(18)} ${m.rps.toFixed(1).padStart(8)} ${millis(m.p50).padStart(8)} ${millis(m.p90).padStart(8)} ${millis(m.p99).padStart(8)} ${String(m.errors).padStart(7)} ${String(m.non2xx).padStart(8)} ${cpuText(m.cpuMs).padStart(12)} ${cpuText(m.dbCpuMs).padStart(12)}`;
const CPU_NOTE =
  'CPU ms/req, Neo4j ms/req: CPU time (user + system) the server process and the Neo4j process spent per request; stabler than req/s on a shared machine';
const HEADER = `${'server'.padEnd(26)} ${'mode'.padEnd(18)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p90 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'errors'.padStart(7)} ${'non-2xx'.padStart(8)} ${'CPU ms/req'.padStart(12)} ${'Neo4j ms/req'.padStart(12)}`;

/** Issue 3: one profile by identifier, full stack against the bare baseline, at a fixed rate and at saturation. */
async function profileScenario(
  stack: BenchStack,
  minter: TokenMinter,
  o: { customers: number; ids: string[]; seconds: number; warmUp: number; rate: number; connections: number; roles: Role[]; servers: Server[] },
) {
  const rows: { server: string; mode: string; m: Measured }[] = [];
  for (const server of o.servers) {
    await withServer(stack, server, async (target) => {
      // Several roles run against the same server process, so their figures compare without run-to-run noise.
      // The baseline knows only the lookup by identifier, which the service role makes.
      for (const role of server === 'baseline' ? (['service'] as Role[]) : o.roles) {
        const token = await minter.mint({ role, subject: 'bench' });
        const body = () => randomLookup(o.ids, role);
        const label = server === 'baseline' ? server : `${server} (${role})`;
        process.stderr.write(`${label}: warming up...\n`);
        await load(target, { connections: o.connections, seconds: o.warmUp, token, body });
        process.stderr.write(`${label}: ${o.rate} requests/s, evenly spaced, for ${o.seconds} s...\n`);
        rows.push({ server: label, mode: `fixed ${o.rate} req/s`, m: await paced(target, { rate: o.rate, seconds: o.seconds, token, body }) });
        process.stderr.write(`${label}: ${o.connections} connections, as fast as it goes, for ${o.seconds} s...\n`);
        rows.push({ server: label, mode: `${o.connections} connections`, m: await load(target, { connections: o.connections, seconds: o.seconds, token, body }) });
      }
    });
  }
  console.log(`\nbench:read — customerByIdentifier with identifiers, devices and consents over HTTP, ${o.customers} customers`);
  console.log(`${machineConditions(stack.neo4j)}; load generator (autocannon) on the same machine\n`);
  console.log(HEADER);
  for (const { server, mode, m } of rows) console.log(row(server, mode, m));
  const saturated = (server: string) => rows.find((r) => r.server === server && r.mode.endsWith('connections'))!.m.rps;
  for (const { server } of rows.filter((r) => r.server !== 'baseline' && r.mode.endsWith('connections'))) {
    console.log(`${server} saturation throughput / baseline: ${(saturated(server) / saturated('baseline')).toFixed(2)}x`);
  }
  console.log(CPU_NOTE);
  console.log(`fixed rate: requests evenly spaced (open model), latency from when each was due; saturation: autocannon, ${o.connections} connections`);
  console.log('targets: p99 <= 10 ms at 500 req/s; full stack >= 0.8x the baseline at saturation');
}

/** Issue 4: the policy layer's cost on a 1,000-customer list, with and without the layer, in one run. */
async function policyScenario(stack: BenchStack, minter: TokenMinter, o: { seconds: number; connections: number }) {
  const firstIds = (await stack.app.services.customers.page({
    limit: 50, after: null, status: 'ACTIVE', updatedSince: null, country: null, identifierType: null, purpose: null,
  })).map((c) => c.id);
  const body = () => randomPage(firstIds);
  const runs: Run[] = [
    { server: 'unguarded', role: 'service', label: 'without policy layer' },
    { server: 'full', role: 'service', label: 'policy, clear (service)' },
    { server: 'full', role: 'analyst', label: 'policy, masked (analyst)' },
  ];
  const results: { run: Run; m: Measured }[] = [];
  for (const server of ['unguarded', 'full'] as const) {
    await withServer(stack, server, async (target) => {
      for (const run of runs.filter((r) => r.server === server)) {
        const token = await minter.mint({ role: run.role, subject: 'bench' });
        process.stderr.write(`${run.label}: warming up...\n`);
        await load(target, { connections: o.connections, seconds: WARM_UP_SECONDS, token, body });
        process.stderr.write(`${run.label}: ${o.connections} connections for ${o.seconds} s...\n`);
        results.push({ run, m: await load(target, { connections: o.connections, seconds: o.seconds, token, body }) });
      }
      // A page of 1,000 profiles costs ~67,000 by graphql-armor's measure: a deployment serving such pages raises it.
    }, { GRAPHQL_MAX_COST: '100000' });
  }
  console.log(`\nbench:read --scenario policy — customers(first: 1000) with PII fields, identifiers and consents over HTTP`);
  console.log(`${machineConditions(stack.neo4j)}; load generator (autocannon) on the same machine\n`);
  console.log(HEADER);
  for (const { run, m } of results) console.log(row(run.label, `${o.connections} connections`, m));
  const base = results.find((r) => r.run.server === 'unguarded')!.m.rps;
  for (const { run, m } of results.filter((r) => r.run.server === 'full')) {
    console.log(`overhead ${run.label}: ${(base / m.rps).toFixed(2)}x (time per request with / without the layer)`);
  }
  console.log(CPU_NOTE);
  console.log('target: overhead <= 1.25x');
}

async function main() {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', default: 'profile' },
      customers: { type: 'string', default: '100000' },
      seconds: { type: 'string', default: '20' },
      warmup: { type: 'string', default: String(WARM_UP_SECONDS) },
      rate: { type: 'string', default: '500' },
      connections: { type: 'string' },
      roles: { type: 'string', default: 'service' },
      servers: { type: 'string', default: 'full,baseline' },
      'cpu-prof': { type: 'string' },
    },
  });
  cpuProfileDir = values['cpu-prof'] && path.resolve(values['cpu-prof']);
  const scenario = values.scenario;
  if (scenario !== 'profile' && scenario !== 'policy') throw new Error('--scenario is profile (default) or policy');
  const customers = Number(values.customers);
  const seconds = Number(values.seconds);
  const stack = await startBenchStack();
  const minter = stack.app.minter!;
  try {
    const ids = await seed(stack, customers);
    if (scenario === 'profile') {
      const servers = values.servers!.split(',') as Server[];
      if (!servers.includes('baseline') || servers.some((x) => !['full', 'unguarded', 'baseline'].includes(x))) {
        throw new Error('--servers lists full, unguarded and baseline, and includes baseline');
      }
      const roles = values.roles!.split(',');
      if (!roles.every(isRole)) throw new Error(`--roles lists roles among ${ROLES.join(', ')}`);
      await profileScenario(stack, minter, {
        customers,
        ids,
        seconds,
        warmUp: Number(values.warmup),
        rate: Number(values.rate),
        connections: Number(values.connections ?? 32),
        roles: roles as Role[],
        servers,
      });
    } else {
      await policyScenario(stack, minter, { seconds, connections: Number(values.connections ?? 4) });
    }
  } finally {
    await stack.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
