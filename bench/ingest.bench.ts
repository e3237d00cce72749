import { AsyncLocalStorage } from 'node:async_hooks';
import { parseArgs } from 'node:util';
import { CypherRegistry } from '../src/infra/neo4j/cypher-registry';
import type { RawEvent } from '../src/ingestion/event-normalizer';
import { machineConditions, progress, startBenchStack, type BenchStack } from './bench-stack';
import { carriesErrors } from './paced-load';
import { jvmThreadCpuMs, processCpuMs, type ThreadCpu } from './process-cpu';
import { profileCpuInto, withServer } from './read-load';
import { STREAMS, type StreamName } from './synthetic-events';
import { DEFAULT_RUNS, loadAverage, median, saveResults, targetTable, trials, type TargetResult } from './trials';

const INGEST = `mutation Ingest($events: [IdentityEventInput!]!) {
  ingestEvents(events: $events) { created linked merged duplicate rejected suppressed }
}`;

/** The issue's targets at batch 1,000, per stream, on both paths. */
const TARGETS: Record<StreamName, number> = { light: 5000, identity: 2000 };
/** The issue's bound on warm-ups: the same for every path compared. */
const MAX_WARM_UP_SECONDS = 30;

type Path = 'service' | 'http';
/** Where a batch goes: the service in this process, or the API over HTTP in a process of its own. */
type Sender = { path: Path; pid: number; send(events: RawEvent[]): Promise<Answer> };
/** `failed`: the answer was an error, or carried outcomes a stream of new events must not get. */
type Answer = { failed: boolean; outcomes: Record<string, number> };

type Statement = { calls: number; ms: number };
type Run = {
  events: number;
  batches: number;
  seconds: number;
  rate: number;
  /** CPU time (user + system) per event of the process serving the batches, and of Neo4j (null: not readable). */
  apiCpuMs: number | null;
  dbCpuMs: number | null;
  /** Service path only (the statements are counted in this process): per statement file, calls and client ms. */
  statements: Map<string, Statement> | null;
  /** Service path only: waits for Neo4j's answers (statements sent together count once), without BEGIN and COMMIT. */
  roundTrips: number | null;
  /** Neo4j's CPU per event by thread kind (query work, GC, JIT compilers, the rest); null where it cannot be read. */
  dbThreads: ThreadCpu | null;
  outcomes: Record<string, number>;
  failedAnswers: number;
  firstTenthMs: number;
  lastTenthMs: number;
};

/** Outcomes a stream of never-seen events cannot rightly get: each one is a failed answer. */
const WRONG_OUTCOMES = ['REJECTED', 'SUPPRESSED', 'DUPLICATE'];

/** Marks the service calls of a run, so the statements counted are theirs and not those of background jobs. */
const measuredCall = new AsyncLocalStorage<true>();

function serviceSender(stack: BenchStack): Sender {
  return {
    path: 'service',
    pid: process.pid,
    async send(events) {
      const outcomes: Record<string, number> = {};
      try {
        for (const result of await measuredCall.run(true, () => stack.app.services.ingestion.ingestEvents(events))) {
          outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
          if (result.conflicts.length > 0) outcomes.conflicts = (outcomes.conflicts ?? 0) + result.conflicts.length;
        }
      } catch (error) {
        process.stderr.write(`\nservice call failed: ${(error as Error).message}\n`);
        return { failed: true, outcomes: { ERROR: events.length } };
      }
      return { failed: WRONG_OUTCOMES.some((o) => outcomes[o]), outcomes };
    },
  };
}

function httpSender(url: string, pid: number, token: string): Sender {
  return {
    path: 'http',
    pid,
    async send(events) {
      let body: string;
      try {
        const response = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: INGEST, variables: { events }, operationName: 'Ingest' }),
        });
        body = await response.text();
        if (!response.ok) throw new Error(`HTTP ${response.status}: ${body.slice(0, 300)}`);
      } catch (error) {
        process.stderr.write(`\nHTTP call failed: ${(error as Error).message}\n`);
        return { failed: true, outcomes: { ERROR: events.length } };
      }
      // A 200 carrying GraphQL errors is a failed answer, counted like any other.
      if (carriesErrors(body)) {
        process.stderr.write(`\nHTTP answer carried errors: ${body.slice(0, 300)}\n`);
        return { failed: true, outcomes: { ERROR: events.length } };
      }
      const counts = (JSON.parse(body) as { data: { ingestEvents: Record<string, number> } }).data.ingestEvents;
      const outcomes = Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0).map(([k, n]) => [k.toUpperCase(), n]));
      const resolved = (counts.created ?? 0) + (counts.linked ?? 0) + (counts.merged ?? 0);
      return { failed: WRONG_OUTCOMES.some((o) => outcomes[o]) || resolved !== events.length, outcomes };
    },
  };
}

/**
 * Counts the statements the service calls run in this process, by Cypher file, with the ms each took as the client
 * saw it, and the round trips: statements sent together (pipelined) overlap in time and make one.
 */
function statementCounter(stack: BenchStack) {
  const registry = new CypherRegistry();
  let current: Map<string, Statement> | null = null;
  let spans: [number, number][] = [];
  stack.db.onQuery((query, elapsedMs) => {
    if (!current || !measuredCall.getStore()) return;
    const name = registry.nameOf(query);
    const s = current.get(name) ?? { calls: 0, ms: 0 };
    s.calls++;
    s.ms += elapsedMs;
    current.set(name, s);
    const end = performance.now();
    spans.push([end - elapsedMs, end]);
  });
  return {
    start() {
      current = new Map();
      spans = [];
    },
    stop(): { statements: Map<string, Statement>; roundTrips: number } | null {
      const counted = current;
      current = null;
      if (!counted) return null;
      let roundTrips = 0;
      let reach = -Infinity;
      for (const [start, end] of spans.sort((a, b) => a[0] - b[0])) {
        if (start > reach) roundTrips++;
        reach = Math.max(reach, end);
      }
      return { statements: counted, roundTrips };
    },
  };
}

async function run(
  stack: BenchStack,
  sender: Sender,
  counter: ReturnType<typeof statementCounter>,
  label: string,
  batch: number,
  events: RawEvent[],
): Promise<Run> {
  const outcomes: Record<string, number> = {};
  let failedAnswers = 0;
  const callMs: number[] = [];
  const apiBefore = processCpuMs(sender.pid);
  const dbBefore = stack.neo4j.pid === undefined ? null : processCpuMs(stack.neo4j.pid);
  const threadsBefore = stack.neo4j.pid === undefined ? null : jvmThreadCpuMs(stack.neo4j.pid);
  if (sender.path === 'service') counter.start();
  const started = performance.now();
  for (let start = 0; start < events.length; start += batch) {
    const callStarted = performance.now();
    const answer = await sender.send(events.slice(start, start + batch));
    callMs.push(performance.now() - callStarted);
    if (answer.failed) failedAnswers++;
    for (const [outcome, n] of Object.entries(answer.outcomes)) outcomes[outcome] = (outcomes[outcome] ?? 0) + n;
    const done = Math.min(start + batch, events.length);
    if (done === events.length || Math.floor(done / 5000) !== Math.floor(start / 5000)) progress(label, done, events.length);
  }
  const seconds = (performance.now() - started) / 1000;
  const counted = sender.path === 'service' ? counter.stop() : null;
  const apiAfter = processCpuMs(sender.pid);
  const dbAfter = stack.neo4j.pid === undefined ? null : processCpuMs(stack.neo4j.pid);
  const threadsAfter = stack.neo4j.pid === undefined ? null : jvmThreadCpuMs(stack.neo4j.pid);
  const perEvent = (after: number, before: number) => (after - before) / events.length;
  const tenth = Math.max(1, Math.floor(callMs.length / 10));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    events: events.length,
    batches: callMs.length,
    seconds,
    rate: events.length / seconds,
    apiCpuMs: apiBefore === null || apiAfter === null ? null : (apiAfter - apiBefore) / events.length,
    dbCpuMs: dbBefore === null || dbAfter === null ? null : (dbAfter - dbBefore) / events.length,
    statements: counted?.statements ?? null,
    roundTrips: counted ? counted.roundTrips / callMs.length : null,
    dbThreads:
      threadsBefore && threadsAfter
        ? {
            work: perEvent(threadsAfter.work, threadsBefore.work),
            gc: perEvent(threadsAfter.gc, threadsBefore.gc),
            jit: perEvent(threadsAfter.jit, threadsBefore.jit),
            other: perEvent(threadsAfter.other, threadsBefore.other),
          }
        : null,
    outcomes,
    failedAnswers,
    firstTenthMs: mean(callMs.slice(0, tenth)),
    lastTenthMs: mean(callMs.slice(-tenth)),
  };
}

/** Every stream in turn at the measured batch size until `seconds` have passed: JIT and query plans warm, bounded. */
async function warmUp(stack: BenchStack, sender: Sender, counter: ReturnType<typeof statementCounter>, streams: StreamName[], seconds: number, batch: number) {
  const until = performance.now() + seconds * 1000;
  for (let round = 0; performance.now() < until; round++) {
    const stream = streams[round % streams.length];
    const events = STREAMS[stream].events(batch, `warmup-${sender.path}-${round}-${Date.now().toString(36)}`, round + 1);
    const { failedAnswers } = await run(stack, sender, counter, `${sender.path}: warming up (${seconds} s)`, batch, events);
    if (failedAnswers > 0) throw new Error(`the warm-up through the ${sender.path} path got failed answers: see above`);
  }
}

type Measured = { stream: StreamName; path: Path; batch: number; runs: { value: Run; load: number }[] };

let namespaceSerial = 0;
const namespace = (stream: string, path: string, batch: number) => `bench-${stream}-${path}-${batch}-${Date.now().toString(36)}-${namespaceSerial++}`;

async function measurePath(
  stack: BenchStack,
  sender: Sender,
  counter: ReturnType<typeof statementCounter>,
  o: { streams: StreamName[]; runs: number; events: number; batch: number; warmUp: number; extraBatches: number[]; extraEvents: number },
): Promise<Measured[]> {
  const out: Measured[] = [];
  await warmUp(stack, sender, counter, o.streams, o.warmUp, o.batch);
  for (const stream of o.streams) {
    const label = `${stream} stream, ${sender.path}, batch ${o.batch}`;
    const runs = await trials(o.runs, label, (i) =>
      run(stack, sender, counter, `${label}, run ${i + 1}`, o.batch, STREAMS[stream].events(o.events, namespace(stream, sender.path, o.batch))),
    );
    out.push({ stream, path: sender.path, batch: o.batch, runs });
  }
  // Informational: smaller batches, one run of the light stream, fewer events (one call per event is slow by nature).
  for (const batch of o.extraBatches) {
    const count = batch === 1 ? Math.min(o.extraEvents / 10, o.extraEvents) : o.extraEvents;
    const label = `light stream, ${sender.path}, batch ${batch} (informational)`;
    const runs = await trials(1, label, () => run(stack, sender, counter, label, batch, STREAMS.light.events(count, namespace('light', sender.path, batch))));
    out.push({ stream: 'light', path: sender.path, batch, runs });
  }
  return out;
}

/** Neo4j's query-thread CPU per event of the floor statement, and the events/s it leaves one batch at a time. */
type Floor = { dbMs: number; transactions: number };

/**
 * The least Neo4j work a first visit can cost in this product (cypher/bench/first-visit-floor.cypher: customer,
 * identifier, link and idempotency record in one statement, committed), measured on the warmed database the runs
 * left. The light stream is mostly first visits, so its Neo4j CPU per event is read against this.
 */
async function measureFloor(stack: BenchStack, batch: number, transactions = 10): Promise<Floor | null> {
  const pid = stack.neo4j.pid;
  if (!pid || !jvmThreadCpuMs(pid)) return null;
  const query = new CypherRegistry().get('bench/first-visit-floor');
  const ns = namespace('floor', 'neo4j', batch);
  let serial = 0;
  let ms = 0;
  for (let t = 0; t < transactions; t++) {
    const rows = Array.from({ length: batch }, () => {
      const n = serial++;
      return { customerId: `${ns}-c${n}`, key: `ANONYMOUS_ID:${ns}-a${n}`, value: `${ns}-a${n}`, messageId: `${ns}-m${n}`, ingestionKey: `EVENT:${ns}-m${n}` };
    });
    const before = jvmThreadCpuMs(pid)!.work;
    await stack.db.write((tx) => tx.rows(query, { rows, now: new Date().toISOString() }));
    ms += jvmThreadCpuMs(pid)!.work - before;
  }
  return { dbMs: ms / (transactions * batch), transactions };
}

const fixed = (n: number | null, digits: number) => (n === null ? 'n/a' : n.toFixed(digits));
const medianOf = (runs: Run[], figure: (r: Run) => number | null) => {
  const xs = runs.map(figure).filter((x): x is number => x !== null);
  return xs.length === 0 ? null : median(xs);
};

function report(measured: Measured[], floor: Floor | null, stack: BenchStack, o: { runs: number; events: number; batch: number; warmUp: number }) {
  console.log(`\nbench:ingest — ${o.events} new events per run, ${o.runs} runs per stream and path, warm-up ${o.warmUp} s per path`);
  console.log(`${machineConditions(stack.neo4j)}`);
  for (const stream of new Set(measured.map((m) => m.stream))) console.log(`stream ${STREAMS[stream].describe}`);
  console.log('service: IngestionService in the benchmark process; http: the API (`createApp`, as npm start) in a process of its own\n');

  console.log('stream     path     batch  runs (events/s, load before)                         API CPU ms/ev  Neo4j CPU ms/ev  stmts/batch  waits/batch  ms/batch first..last tenth  failed  outcomes (all runs)');
  for (const m of measured) {
    const runs = m.runs.map((r) => r.value);
    const figures = m.runs.map((r) => `${r.value.rate.toFixed(0)} (${r.load.toFixed(2)})`).join(' / ');
    const statements = medianOf(runs, (r) => (r.statements ? [...r.statements.values()].reduce((n, s) => n + s.calls, 0) / r.batches : null));
    const outcomes: Record<string, number> = {};
    for (const r of runs) for (const [k, n] of Object.entries(r.outcomes)) outcomes[k] = (outcomes[k] ?? 0) + n;
    console.log(
      [
        m.stream.padEnd(10),
        m.path.padEnd(8),
        String(m.batch).padStart(5),
        ` ${figures}`.padEnd(53),
        fixed(medianOf(runs, (r) => r.apiCpuMs), 3).padStart(13),
        fixed(medianOf(runs, (r) => r.dbCpuMs), 3).padStart(16),
        fixed(statements, 1).padStart(12),
        fixed(medianOf(runs, (r) => r.roundTrips), 1).padStart(12),
        `${fixed(medianOf(runs, (r) => r.firstTenthMs), 1)} .. ${fixed(medianOf(runs, (r) => r.lastTenthMs), 1)}`.padStart(27),
        String(runs.reduce((n, r) => n + r.failedAnswers, 0)).padStart(7),
        ` ${Object.entries(outcomes).map(([k, n]) => `${k}=${n}`).join(' ')}`,
      ].join(' '),
    );
  }
  console.log('CPU ms/ev: CPU time (user + system, from /proc) per event of the process that served the batches and of Neo4j, median');
  console.log('of the runs; on a shared machine it moves much less than events/s. stmts/batch, waits/batch: counted on the service');
  console.log('path (HTTP runs the same service): statements, and round trips to Neo4j (statements sent together wait once), plus');
  console.log('the COMMIT. conflicts: identifiers merge protection refused (counted on the service path).');

  // Where the time goes: per stream, the statements of the service path at the measured batch size.
  for (const m of measured.filter((x) => x.path === 'service' && x.batch === o.batch)) {
    const totals = new Map<string, Statement>();
    let batches = 0;
    for (const { value } of m.runs) {
      batches += value.batches;
      for (const [name, s] of value.statements ?? []) {
        const t = totals.get(name) ?? { calls: 0, ms: 0 };
        t.calls += s.calls;
        t.ms += s.ms;
        totals.set(name, t);
      }
    }
    const http = measured.find((x) => x.stream === m.stream && x.path === 'http' && x.batch === o.batch);
    const api = medianOf(m.runs.map((r) => r.value), (r) => r.apiCpuMs);
    const httpApi = http ? medianOf(http.runs.map((r) => r.value), (r) => r.apiCpuMs) : null;
    const calls = [...totals.values()].reduce((n, s) => n + s.calls, 0);
    const ms = [...totals.values()].reduce((n, s) => n + s.ms, 0);
    console.log(`\nwhere the time goes — ${m.stream} stream, batch ${m.batch}, service path (per batch, mean over the runs)`);
    console.log(
      `  API CPU ${fixed(api, 3)} ms/event (HTTP: ${fixed(httpApi, 3)}, so GraphQL and JSON add ${fixed(api !== null && httpApi !== null ? httpApi - api : null, 3)});` +
        ` Neo4j CPU ${fixed(medianOf(m.runs.map((r) => r.value), (r) => r.dbCpuMs), 3)} ms/event`,
    );
    const threads = (k: keyof ThreadCpu) => fixed(medianOf(m.runs.map((r) => r.value), (r) => r.dbThreads?.[k] ?? null), 3);
    console.log(`  Neo4j CPU by thread, ms/event: queries ${threads('work')}, GC ${threads('gc')}, JIT compilers ${threads('jit')} (warm-up), other ${threads('other')}`);
    console.log(
      `  ${(calls / batches).toFixed(1)} statements in ${fixed(medianOf(m.runs.map((r) => r.value), (r) => r.roundTrips), 1)} round trips and a COMMIT;` +
        ` ${(ms / batches).toFixed(1)} ms summed over statements (pipelined ones overlap)`,
    );
    console.log('  statement                              calls/batch   ms/batch');
    for (const [name, s] of [...totals].sort((a, b) => b[1].ms - a[1].ms)) {
      console.log(`  ${name.padEnd(38)} ${(s.calls / batches).toFixed(2).padStart(11)} ${(s.ms / batches).toFixed(1).padStart(10)}`);
    }
  }
  if (floor) {
    const light = measured.find((m) => m.stream === 'light' && m.path === 'service' && m.batch === o.batch);
    const api = light ? medianOf(light.runs.map((r) => r.value), (r) => r.apiCpuMs) : null;
    console.log(
      `\nfloor — the bare write of ${o.batch} first visits (customer, identifier, link, idempotency record; one statement, no` +
        ` devices, behaviour, profile, consent, segments or locks), ${floor.transactions} committed transactions on the warmed database:` +
        `\n  Neo4j query-thread CPU ${floor.dbMs.toFixed(3)} ms/event` +
        (api !== null
          ? `; with the light stream's API CPU (${api.toFixed(3)} ms/event), batches sent one after another cannot pass` +
            ` ${Math.round(1000 / (floor.dbMs + api)).toLocaleString('en')} events/s unless the API's work overlaps Neo4j's`
          : ''),
    );
  }
}

function targets(measured: Measured[], batch: number): TargetResult[] {
  return measured
    .filter((m) => m.batch === batch)
    .map((m) => ({
      bench: 'ingest',
      target: `${m.stream} stream, ${m.path === 'http' ? 'HTTP' : 'service path'}, batch ${batch.toLocaleString('en')}`,
      unit: 'events/s',
      goal: { atLeast: TARGETS[m.stream] },
      runs: m.runs.map((r) => r.value.rate),
      loads: m.runs.map((r) => r.load),
      failedAnswers: m.runs.reduce((n, r) => n + r.value.failedAnswers, 0),
    }));
}

async function main() {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: String(DEFAULT_RUNS) },
      json: { type: 'string' },
      events: { type: 'string', default: '20000' },
      streams: { type: 'string', default: Object.keys(STREAMS).join(',') },
      paths: { type: 'string', default: 'service,http' },
      batch: { type: 'string', default: '1000' },
      'extra-batches': { type: 'string', default: '1,100' },
      'extra-events': { type: 'string', default: '5000' },
      warmup: { type: 'string', default: '30' },
      'cpu-prof': { type: 'string' },
    },
  });
  const streams = values.streams!.split(',') as StreamName[];
  const unknown = streams.filter((s) => !(s in STREAMS));
  if (unknown.length > 0) throw new Error(`--streams lists streams among ${Object.keys(STREAMS).join(', ')}; not ${unknown.join(', ')}`);
  const paths = values.paths!.split(',') as Path[];
  if (paths.some((p) => p !== 'service' && p !== 'http')) throw new Error('--paths lists service and http');
  const warmUpSeconds = Number(values.warmup);
  if (!(warmUpSeconds >= 0 && warmUpSeconds <= MAX_WARM_UP_SECONDS)) throw new Error(`--warmup is 0 to ${MAX_WARM_UP_SECONDS} seconds`);
  profileCpuInto(values['cpu-prof']);
  const o = {
    streams,
    runs: Number(values.runs),
    events: Number(values.events),
    batch: Number(values.batch),
    warmUp: warmUpSeconds,
    extraBatches: values['extra-batches']!.split(',').filter(Boolean).map(Number),
    extraEvents: Number(values['extra-events']),
  };
  const stack = await startBenchStack();
  const counter = statementCounter(stack);
  const measured: Measured[] = [];
  try {
    process.stderr.write(`load before start: ${loadAverage().toFixed(2)}\n`);
    if (paths.includes('service')) measured.push(...(await measurePath(stack, serviceSender(stack), counter, o)));
    if (paths.includes('http')) {
      measured.push(...(await withServer(stack, 'full', (target) => measurePath(stack, httpSender(target.url, target.pid, stack.token), counter, o))));
    }
    const floor = o.streams.includes('light') ? await measureFloor(stack, o.batch) : null;
    report(measured, floor, stack, o);
    const results = targets(measured, o.batch);
    console.log(`\ntargets (PASS on the worst run, with no failed answer)\n${targetTable(results)}`);
    saveResults(values.json, results);
  } finally {
    await stack.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
