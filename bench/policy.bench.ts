import 'reflect-metadata';
import { parseArgs } from 'node:util';
import type { Role } from '../src/auth/roles';
import type { TokenMinter } from '../src/auth/token-minter';
import { encodeCursor } from '../src/shared/connection';
import { machineConditions, startBenchStack, type BenchStack } from './bench-stack';
import { checkedAutocannon, cpuMeter, profileCpuInto, seed, withServer, type Target } from './read-load';
import { DEFAULT_RUNS, saveResults, targetTable, trials, type TargetResult } from './trials';

/** The policy layer's worst case: one request, 1,000 customers, each with PII fields and nested identifiers. */
const LIST_QUERY = `query List($after: String) {
  customers(first: 1000, after: $after) {
    edges { node { id firstName lastName email phone city country identifiers { type value } consents { purpose status } } }
  }
}`;

/** Most the overhead of the policy layer (shield, masking, audit) may cost, in CPU and in time per request. */
const OVERHEAD_GOAL = 1.25;

/**
 * The audit writer keeps up when, over the steady state, it wrote (nearly) every entry the clear reads recorded and
 * its buffer stayed far from AUDIT_MAX_BUFFER (200,000), where clear reads start being refused: at most 10% of it,
 * about 2.5 s of 1,000-customer pages at 8,000 entries/s.
 */
const KEEPS_UP_GOAL = 0.98;
const DEPTH_GOAL = 20_000;
/**
 * Keeping up says the writer was not behind during this run; its headroom says how far it could go: entries written
 * per second the writer spent flushing (the transaction, at this run's load) against the entries recorded per second.
 * A writer with little headroom falls behind as soon as the machine is busier than during the run.
 */
const HEADROOM_GOAL = 1.3;

type Load = { connections: number; seconds: number; token: string; body: () => string };

/** One measured load: time and CPU per request, answers that failed, and what the audit trail did meanwhile. */
type Measured = {
  requests: number;
  rps: number;
  msPerRequest: number;
  p99: number;
  /** Transport errors, non-2xx answers and 2xx answers carrying GraphQL errors. */
  failed: number;
  /** What the failed answers were: transport errors, timeouts, non-2xx, 2xx carrying errors. */
  failures: string;
  refused: number;
  cpuMs: number | null;
  dbCpuMs: number | null;
  audit: AuditFigures | null;
};

/**
 * Entries the trail recorded (clear reads) and wrote per second, what it could write per second of flushing
 * (capacity), the share of the time it spent flushing, and its buffer's depth, sampled each second.
 */
type AuditFigures = {
  recordedPerS: number;
  writtenPerS: number;
  capacityPerS: number;
  busy: number;
  /** The share of the time its statement took (the rest of the flushing: the commit, and hashing entries not hashed when recorded). */
  inStatement: number;
  maxDepth: number;
  endDepth: number;
  depths: number[];
};

type AuditSample = { written: number; buffered: number; flushSeconds: number; statementSeconds: number };

async function auditSample(target: Target): Promise<AuditSample | null> {
  try {
    const text = await (await fetch(`${target.url}/metrics`)).text();
    const value = (name: string) => Number(new RegExp(`^${name.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
    const sample = {
      written: value('c360_audit_entries_written_total'),
      buffered: value('c360_audit_buffered_entries'),
      flushSeconds: value('c360_audit_flush_duration_seconds_sum'),
      // Absent until the first flush.
      statementSeconds: value('c360_neo4j_query_duration_seconds_sum{query="audit/append-entries"}') || 0,
    };
    return Object.values(sample).some(Number.isNaN) ? null : sample;
  } catch {
    return null;
  }
}

/** Samples the server's audit metrics every second while a load runs. */
function auditMeter(target: Target) {
  const samples: AuditSample[] = [];
  const take = async () => {
    const sample = await auditSample(target);
    if (sample) samples.push(sample);
  };
  const started = take();
  const timer = setInterval(() => void take(), 1000);
  return async (seconds: number): Promise<AuditFigures | null> => {
    clearInterval(timer);
    await started;
    await take();
    if (samples.length < 2) return null;
    const [first, last] = [samples[0], samples[samples.length - 1]];
    // Recorded: what was written plus what is still waiting, against the same at the start.
    const recorded = last.written + last.buffered - (first.written + first.buffered);
    const depths = samples.map((s) => s.buffered);
    const flushing = last.flushSeconds - first.flushSeconds;
    return {
      recordedPerS: recorded / seconds,
      writtenPerS: (last.written - first.written) / seconds,
      capacityPerS: flushing > 0 ? (last.written - first.written) / flushing : 0,
      busy: flushing / seconds,
      inStatement: (last.statementSeconds - first.statementSeconds) / seconds,
      maxDepth: Math.max(...depths),
      endDepth: last.buffered,
      depths,
    };
  };
}

/** As many requests as `connections` keep in flight (a closed model); every answer's body is checked. */
async function measure(target: Target, options: Load, withAudit: boolean): Promise<Measured> {
  const audit = withAudit ? auditMeter(target) : null;
  const cpu = cpuMeter(target);
  // A 1,000-customer page takes seconds on a loaded machine: autocannon's 10 s would count slow answers as failed.
  const { result, graphqlErrors: failedBodies, refusedForAuditBacklog: refused } = await checkedAutocannon(target, options, 60);
  const requests = result.requests.total;
  const { cpuMs, dbCpuMs } = cpu(requests);
  return {
    requests,
    rps: result.requests.average,
    msPerRequest: (options.seconds * 1000) / Math.max(1, requests),
    p99: result.latency.p99,
    failed: result.errors + result.timeouts + result.non2xx + failedBodies,
    failures: `errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx}, 200 with errors ${failedBodies}`,
    refused,
    cpuMs,
    dbCpuMs,
    audit: audit ? await audit(options.seconds) : null,
  };
}

/** A page of 1,000 customers starting at a random one of the first pages (cursors are customer ids). */
function randomPage(firstIds: string[]) {
  const after = firstIds[Math.floor(Math.random() * firstIds.length)];
  return JSON.stringify({ query: LIST_QUERY, variables: { after: encodeCursor([after]) }, operationName: 'List' });
}

type Options = { runs: number; seconds: number; auditSeconds: number; warmUp: number; connections: number };
type Run = { unguarded: Measured; clear: Measured; masked: Measured };

const ms = (n: number | null) => (n === null ? 'n/a' : n.toFixed(1));
const HEADER = `${'run'.padEnd(4)} ${'server'.padEnd(26)} ${'seconds'.padStart(7)} ${'req/s'.padStart(7)} ${'ms/req'.padStart(7)} ${'p99 ms'.padStart(7)} ${'failed'.padStart(7)} ${'refused'.padStart(7)} ${'CPU ms/req'.padStart(11)} ${'Neo4j ms/req'.padStart(12)}`;
const line = (run: number, label: string, seconds: number, m: Measured) =>
  `${String(run + 1).padEnd(4)} ${label.padEnd(26)} ${String(seconds).padStart(7)} ${m.rps.toFixed(1).padStart(7)} ${m.msPerRequest.toFixed(1).padStart(7)} ${String(m.p99).padStart(7)} ${String(m.failed).padStart(7)} ${String(m.refused).padStart(7)} ${ms(m.cpuMs).padStart(11)} ${ms(m.dbCpuMs).padStart(12)}`;

/**
 * Issue 4 and issue 12 item 3: the policy layer's cost on a 1,000-customer page, against the same server without it,
 * and the audit trail under the clear reads (every customer of every page is an entry). Each server is warmed up
 * once (the same time for both), then each run measures the unguarded server, then the full one for clear reads
 * (the steady state the audit has to keep up with: two minutes by default) and masked reads.
 */
async function policyScenario(stack: BenchStack, minter: TokenMinter, o: Options): Promise<TargetResult[]> {
  const firstIds = (await stack.app.services.customers.page({
    limit: 50, after: null, status: 'ACTIVE', updatedSince: null, country: null, identifierType: null, purpose: null,
  })).map((c) => c.id);
  const body = () => randomPage(firstIds);
  const tokens: Record<Role, string> = {} as Record<Role, string>;
  for (const role of ['service', 'analyst'] as Role[]) tokens[role] = await minter.mint({ role, subject: 'bench' });
  const loadOf = (role: Role, seconds: number): Load => ({ connections: o.connections, seconds, token: tokens[role], body });
  // A page of 1,000 profiles costs ~67,000 by graphql-armor's measure: a deployment serving such pages raises it.
  const env = { GRAPHQL_MAX_COST: '100000' };

  const unguarded: { m: Measured; load: number }[] = [];
  await withServer(stack, 'unguarded', async (target) => {
    process.stderr.write(`without policy layer: warming up for ${o.warmUp} s...\n`);
    await measure(target, loadOf('service', o.warmUp), false);
    unguarded.push(
      ...(await trials(o.runs, 'without policy layer', async () => {
        process.stderr.write(`without policy layer: ${o.connections} connections for ${o.seconds} s...\n`);
        return measure(target, loadOf('service', o.seconds), false);
      })).map(({ value, load }) => ({ m: value, load })),
    );
  }, env);

  const full: { clear: Measured; masked: Measured; load: number }[] = [];
  await withServer(stack, 'full', async (target) => {
    process.stderr.write(`policy layer: warming up for ${o.warmUp} s (clear reads)...\n`);
    await measure(target, loadOf('service', o.warmUp), false);
    const runs = await trials(o.runs, 'policy layer', async () => {
      process.stderr.write(`policy, clear (service): ${o.connections} connections for ${o.auditSeconds} s, audit sampled each second...\n`);
      const clear = await measure(target, loadOf('service', o.auditSeconds), true);
      process.stderr.write(`policy, masked (analyst): ${o.connections} connections for ${o.seconds} s...\n`);
      const masked = await measure(target, loadOf('analyst', o.seconds), false);
      return { clear, masked };
    });
    full.push(...runs.map(({ value, load }) => ({ ...value, load })));
  }, env);

  const runs: Run[] = full.map((f, i) => ({ unguarded: unguarded[i].m, clear: f.clear, masked: f.masked }));
  console.log(`\nbench:policy — customers(first: 1000) with PII fields, identifiers and consents over HTTP`);
  console.log(`${machineConditions(stack.neo4j)}; load generator (autocannon) on the same machine\n`);
  console.log(HEADER);
  runs.forEach((r, i) => {
    console.log(line(i, 'without policy layer', o.seconds, r.unguarded));
    console.log(line(i, 'policy, clear (service)', o.auditSeconds, r.clear));
    console.log(line(i, 'policy, masked (analyst)', o.seconds, r.masked));
  });
  const withFailures = runs.flatMap((r, i) => [r.unguarded, r.clear, r.masked].filter((m) => m.failed > 0).map((m) => `run ${i + 1}: ${m.failures}`));
  if (withFailures.length > 0) console.log(`failed answers: ${withFailures.join('; ')}`);
  console.log('\naudit trail during the clear reads (entries: one per customer per page)');
  runs.forEach((r, i) => {
    const a = r.clear.audit;
    if (!a) return console.log(`run ${i + 1}: the server's /metrics did not answer`);
    const depths = a.depths.filter((_, k) => k % 10 === 0).join(' ');
    console.log(
      `run ${i + 1}: recorded ${a.recordedPerS.toFixed(0)} entries/s, written ${a.writtenPerS.toFixed(0)} entries/s ` +
        `(flushing ${(100 * a.busy).toFixed(0)}% of the time, ${(100 * a.inStatement).toFixed(0)}% in the statement: capacity ${a.capacityPerS.toFixed(0)} entries/s, ` +
        `${(a.capacityPerS / Math.max(1, a.recordedPerS)).toFixed(2)}x what was recorded), buffer max ${a.maxDepth}, ` +
        `at the end ${a.endDepth}; depth every 10 s: ${depths}`,
    );
  });
  const cpuRatio = (m: Measured, base: Measured) => (m.cpuMs ?? NaN) / (base.cpuMs ?? NaN);
  const dbRatio = (m: Measured, base: Measured) => (m.dbCpuMs ?? NaN) / (base.dbCpuMs ?? NaN);
  const timeRatio = (m: Measured, base: Measured) => m.msPerRequest / base.msPerRequest;
  console.log(
    `\nNeo4j CPU per request against the unguarded server (not a target; the audit's writes are in it): clear ` +
      `${runs.map((r) => dbRatio(r.clear, r.unguarded).toFixed(2)).join(' / ')}x, masked ${runs.map((r) => dbRatio(r.masked, r.unguarded).toFixed(2)).join(' / ')}x`,
  );
  console.log('CPU ms/req, Neo4j ms/req: CPU time (user + system) of the server process and of Neo4j per request; stabler than req/s on a shared machine');
  console.log('failed: transport errors, non-2xx answers (refusals included) and 200 answers carrying GraphQL errors; refused: 503 AUDIT_BACKLOG');

  const loads = full.map((f, i) => Math.max(f.load, unguarded[i].load));
  const failed = (pick: (r: Run) => Measured[]) => runs.reduce((sum, r) => sum + pick(r).reduce((s, m) => s + m.failed, 0), 0);
  const target = (name: string, unit: string, goal: TargetResult['goal'], figures: number[], failedAnswers: number): TargetResult => ({
    bench: 'policy',
    target: name,
    unit,
    goal,
    runs: figures,
    loads,
    failedAnswers,
  });
  return [
    target('clear reads (service), server CPU per request vs without the layer', 'x', { atMost: OVERHEAD_GOAL }, runs.map((r) => cpuRatio(r.clear, r.unguarded)), failed((r) => [r.clear, r.unguarded])),
    target('clear reads (service), time per request vs without the layer', 'x', { atMost: OVERHEAD_GOAL }, runs.map((r) => timeRatio(r.clear, r.unguarded)), failed((r) => [r.clear, r.unguarded])),
    target('masked reads (analyst), server CPU per request vs without the layer', 'x', { atMost: OVERHEAD_GOAL }, runs.map((r) => cpuRatio(r.masked, r.unguarded)), failed((r) => [r.masked, r.unguarded])),
    target('masked reads (analyst), time per request vs without the layer', 'x', { atMost: OVERHEAD_GOAL }, runs.map((r) => timeRatio(r.masked, r.unguarded)), failed((r) => [r.masked, r.unguarded])),
    target(
      `audit entries written / entries recorded, ${o.auditSeconds} s of clear pages`,
      'ratio',
      { atLeast: KEEPS_UP_GOAL },
      runs.map((r) => (r.clear.audit ? r.clear.audit.writtenPerS / Math.max(1, r.clear.audit.recordedPerS) : 0)),
      failed((r) => [r.clear]),
    ),
    target(
      `audit writer capacity (entries per second of flushing) / entries recorded, ${o.auditSeconds} s of clear pages`,
      'ratio',
      { atLeast: HEADROOM_GOAL },
      runs.map((r) => (r.clear.audit ? r.clear.audit.capacityPerS / Math.max(1, r.clear.audit.recordedPerS) : 0)),
      failed((r) => [r.clear]),
    ),
    target(`audit buffer depth, most over ${o.auditSeconds} s of clear pages`, 'entries', { atMost: DEPTH_GOAL }, runs.map((r) => r.clear.audit?.maxDepth ?? Infinity), failed((r) => [r.clear])),
  ];
}

async function main() {
  const { values } = parseArgs({
    options: {
      customers: { type: 'string', default: '100000' },
      seconds: { type: 'string', default: '20' },
      'audit-seconds': { type: 'string', default: '120' },
      warmup: { type: 'string', default: '30' },
      connections: { type: 'string', default: '4' },
      runs: { type: 'string', default: String(DEFAULT_RUNS) },
      json: { type: 'string' },
      'cpu-prof': { type: 'string' },
    },
  });
  profileCpuInto(values['cpu-prof']);
  const stack = await startBenchStack();
  try {
    await seed(stack, Number(values.customers));
    const results = await policyScenario(stack, stack.app.minter!, {
      runs: Number(values.runs),
      seconds: Number(values.seconds),
      auditSeconds: Number(values['audit-seconds']),
      warmUp: Math.min(30, Number(values.warmup)),
      connections: Number(values.connections),
    });
    console.log(`\n${targetTable(results)}`);
    saveResults(values.json, results);
  } finally {
    await stack.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
