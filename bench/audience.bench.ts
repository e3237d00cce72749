import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { TokenMinter } from '../src/auth/token-minter';
import { loadConfig } from '../src/config/config';
import { startManagedProcess, type ManagedProcess } from '../src/infra/services/managed-process';
import { provideNeo4j } from '../src/infra/services/neo4j-service';
import { provideRedis } from '../src/infra/services/redis-service';
import { machineConditions, progress } from './bench-stack';
import { jvmThreadCpuMs, processCpuMs, type ThreadCpu } from './process-cpu';
import { DEFAULT_RUNS, loadAverage, saveResults, targetTable, trials, type TargetResult } from './trials';

const INGEST = `mutation($events: [IdentityEventInput!]!) { ingestEvents(events: $events) { results { customerId outcome } } }`;
const CREATE = `mutation($name: String!, $definition: JSON!) { createSegment(name: $name, definition: $definition) { id } }`;
const STATUS = `query($id: ID!) { segment(id: $id) { status size } }`;
const CHANGES = `subscription($segmentIds: [ID!]!) { segmentMembershipChanged(segmentIds: $segmentIds) { segmentId customerId change at cursor } }`;

const ROOT = path.resolve(__dirname, '../..');
const READY = /Customer-360 API ready: GraphQL at (http:\/\/[^\s"]+)\/graphql/;
const P99_MS = 100;
const TARGET_DELIVERIES = 10_000;
const CAPACITY_GOAL = 20_000;
/** How long deliveries may trail the last ingest call before those not yet in are counted missing. */
const TAIL_MS = 5_000;
const CONNECTION_WAVE = 100;

type Instance = { url: string; process: ManagedProcess };
type Change = { segmentId: string; customerId: string; change: 'ENTERED' | 'EXITED'; cursor: string };
/** One customer moved by one ingest call: the two changes every subscriber should hear. */
type Move = { step: number; sentAt: number; exited: string; entered: string };

/** What one step of offered load gave. */
type Step = {
  offered: number;
  achieved: number;
  expected: number;
  delivered: number;
  missing: number;
  duplicates: number;
  unexpected: number;
  /** Deliveries of an earlier step's changes that came after its tail (counted missing there). */
  late: number;
  /** Ingest calls that failed or answered with errors, and subscription answers carrying errors. */
  failedAnswers: number;
  calls: number;
  latencies: number[];
  ingestLatencies: number[];
  /** CPU per delivery, in µs: both API processes together, and the benchmark's own clients. */
  apiCpuUs: number | null;
  clientCpuUs: number;
  /** Neo4j CPU per ingest call, in ms (embedded Neo4j only), and by what its threads do. */
  neo4jCpuMs: number | null;
  neo4jThreads: ThreadCpu | null;
  /** Cypher statements the instances ran during the step, by file: how many, and their time in seconds. */
  queries: QueryStats;
};
type QueryStats = Map<string, { count: number; seconds: number }>;

/**
 * Issue 12, item 4: real-time audiences under load. Two API processes share Neo4j and Redis; subscribers are spread
 * over both; a steady stream of ingests moves customers between two segments (each call moves `batch` customers:
 * one EXITED and one ENTERED each, heard by every subscriber). Each run measures the memory an idle subscription
 * costs an instance, the end-to-end latency from the ingest call to each delivery at 10,000 deliveries/s, and then
 * raises the offered load step by step until p99 passes 100 ms or a delivery goes missing (the capacity).
 */
async function main() {
  const { values } = parseArgs({
    options: {
      subscribers: { type: 'string', default: '1000' },
      'per-connection': { type: 'string', default: '1' },
      'masked-share': { type: 'string', default: '0.5' },
      customers: { type: 'string', default: '1000' },
      batch: { type: 'string', default: '1' },
      warmup: { type: 'string', default: '10' },
      seconds: { type: 'string', default: '15' },
      ramp: { type: 'string', default: '15000,20000,25000,30000,40000' },
      'step-seconds': { type: 'string', default: '8' },
      idle: { type: 'string', default: '2000' },
      runs: { type: 'string', default: String(DEFAULT_RUNS) },
      json: { type: 'string' },
      'cpu-prof-dir': { type: 'string' },
    },
  });
  const o = {
    subscribers: Number(values.subscribers),
    perConnection: Number(values['per-connection']),
    maskedShare: Number(values['masked-share']),
    customers: Number(values.customers),
    batch: Number(values.batch),
    warmup: Number(values.warmup),
    seconds: Number(values.seconds),
    ramp: values.ramp!.split(',').filter(Boolean).map(Number),
    stepSeconds: Number(values['step-seconds']),
    idle: Number(values.idle),
    runs: Number(values.runs),
  };
  if (o.warmup > 30) throw new Error('--warmup is at most 30 s (issue 12: the same short warm-up for every benchmark)');
  const deliveriesPerCall = o.batch * 2 * o.subscribers;
  const callsPerSecond = (deliveries: number) => deliveries / deliveriesPerCall;
  // Each customer moves at most once per step, so every delivery names the one move it belongs to.
  const busiest = Math.max(callsPerSecond(TARGET_DELIVERIES) * Math.max(o.seconds, o.warmup), ...o.ramp.map((d) => callsPerSecond(d) * o.stepSeconds));
  if (busiest * o.batch > o.customers) throw new Error(`--customers must be at least ${Math.ceil(busiest * o.batch)} for this load`);

  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'c360-bench-neo4j-'));
  const snapshotDir = mkdtempSync(path.join(os.tmpdir(), 'c360-bench-heap-'));
  const config = loadConfig({ ...process.env, AUTH_DEV_MODE: 'true', NEO4J_LOCAL_DATA_DIR: dataDir });
  const log = (message: string) => process.stderr.write(`${message}\n`);
  const [neo4j, redis] = await Promise.all([provideNeo4j(config.neo4j, log), provideRedis(config.redis.url, log)]);
  const secret = randomBytes(32).toString('base64url');
  const minter = new TokenMinter(secret, 'customer360', 'customer360-api');
  const admin = await minter.mint({ role: 'admin', subject: 'bench' });
  // Analysts see PII masked: each of their deliveries first asks whether the segment is decided on values they see masked.
  const analyst = await minter.mint({ role: 'analyst', subject: 'bench-analyst' });
  const metricsToken = randomBytes(32).toString('base64url');
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    SEED_ON_START: 'false',
    AUTH_DEV_MODE: 'false',
    AUTH_JWT_SECRET: secret,
    SUPPRESSION_SALT: randomBytes(32).toString('base64url'),
    AUDIT_HMAC_KEY: randomBytes(32).toString('base64url'),
    AUDIT_CHECKPOINT_KEY: `c360:bench:${randomUUID()}:audit:checkpoints`,
    NEO4J_URI: neo4j.uri,
    NEO4J_USER: neo4j.user,
    ...(neo4j.password ? { NEO4J_PASSWORD: neo4j.password } : {}),
    REDIS_URL: redis.url,
    FEED_KEY: `c360:bench:feed:${randomUUID()}`,
    RATE_LIMIT_POINTS: '0',
    RETENTION_INTERVAL_MINUTES: '0',
    // Production serves /metrics only to its bearer: the memory figures come from there.
    METRICS_TOKEN: metricsToken,
    WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: String(Math.max(100, o.perConnection)),
  };
  const start = async (): Promise<Instance> => {
    const child = await startManagedProcess({
      name: 'API',
      command: process.execPath,
      // With --cpu-prof-dir: profiles of the instances, written when they stop (where the time goes).
      args: [
        ...(values['cpu-prof-dir'] ? ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof-dir']}`] : []),
        // For memory figures after a full collection (see memoryOf).
        '--heapsnapshot-signal=SIGUSR2',
        `--diagnostic-dir=${snapshotDir}`,
        path.join(ROOT, 'dist/main.js'),
      ],
      cwd: ROOT,
      env,
      ready: READY,
      timeoutMs: 120_000,
    });
    return { url: READY.exec(child.readyLine)![1], process: child };
  };
  const instances = [await start(), await start()];
  const metricsAuth = `Bearer ${metricsToken}`;
  const allClients: Client[] = [];
  try {
    const post = async (instance: Instance, query: string, variables: Record<string, unknown>) => {
      const response = await fetch(`${instance.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: any; errors?: unknown[] };
      if (!response.ok || body.errors?.length || !body.data) throw new Error(`HTTP ${response.status}, GraphQL errors: ${JSON.stringify(body.errors)}`);
      return body.data;
    };

    // Customers, then two segments they move between.
    const runId = randomUUID().slice(0, 8);
    const north = `north-${runId}`;
    const south = `south-${runId}`;
    const users = Array.from({ length: o.customers }, (_, i) => `bench-${runId}-${i}`);
    const customerOf = new Map<string, string>();
    for (let i = 0; i < users.length; i += 100) {
      const slice = users.slice(i, i + 100);
      const data = await post(instances[0], INGEST, {
        events: slice.map((userId) => ({ messageId: randomUUID(), type: 'IDENTIFY', userId, traits: { city: north } })),
      });
      (data.ingestEvents.results as { customerId: string }[]).forEach((r, j) => customerOf.set(slice[j], r.customerId));
      progress('customers', Math.min(i + 100, users.length), users.length);
    }
    const segmentOf = new Map<string, string>();
    for (const city of [north, south]) {
      const { createSegment } = await post(instances[0], CREATE, { name: `bench ${city}`, definition: { attribute: 'city', eq: city } });
      segmentOf.set(city, createSegment.id);
    }
    const segments = [...segmentOf.values()];
    for (const id of segments) {
      while ((await post(instances[0], STATUS, { id })).segment.status !== 'READY') await sleep(100);
    }

    // Every delivery is checked: in feed order per subscriber (a cursor not after the last one is a duplicate), and
    // one of the changes of the move it names, made in the step being measured.
    const moves = new Map<string, Move>();
    let step: { id: number; delivered: number; duplicates: number; unexpected: number; late: number; lastAt: number; latencies: number[] } | null = null;
    let stepIds = 0;
    /** Subscription answers carrying errors, and subscriptions ended by an error: each one fails the step it falls in. */
    let subscriptionErrors = 0;
    const deliver = (last: { cursor: string | null }, change: Change) => {
      if (!step) return;
      if (last.cursor !== null && !cursorAfter(change.cursor, last.cursor)) return void step.duplicates++;
      last.cursor = change.cursor;
      const move = moves.get(change.customerId);
      const ofMove = move && change.segmentId === (change.change === 'ENTERED' ? move.entered : move.exited);
      // Of an earlier step, past its tail: counted missing there, and no fault of this one.
      if (ofMove && move.step < step.id) return void step.late++;
      if (!ofMove || move.step !== step.id) return void step.unexpected++;
      const now = performance.now();
      step.delivered++;
      step.lastAt = now;
      step.latencies.push(now - move.sentAt);
    };

    /**
     * Opens `count` subscriptions to both segments over connections alternating between the instances, a wave of
     * connections at a time (as clients arrive, not all in one instant); a connection refused fails the benchmark.
     */
    const subscribe = async (count: number, label: string, onChange: typeof deliver | null): Promise<Client[]> => {
      const clients: Client[] = [];
      const connections = Math.ceil(count / o.perConnection);
      let opened = 0;
      for (let wave = 0; wave < connections; wave += CONNECTION_WAVE) {
        const acknowledged: Promise<void>[] = [];
        for (let c = wave; c < Math.min(connections, wave + CONNECTION_WAVE); c++) {
          const instance = instances[c % instances.length];
          // Masked (analyst) connections are spread evenly among the others, on each instance alike.
          const k = Math.floor(c / instances.length);
          const masked = Math.floor((k + 1) * o.maskedShare) > Math.floor(k * o.maskedShare);
          let client!: Client;
          acknowledged.push(
            new Promise<void>((resolve, reject) => {
              client = createClient({
                url: `${instance.url.replace('http', 'ws')}/graphql`,
                webSocketImpl: WebSocket,
                retryAttempts: 0,
                lazy: false,
                connectionParams: { Authorization: `Bearer ${masked ? analyst : admin}` },
                on: {
                  connected: () => resolve(),
                  closed: (event) => reject(new Error(`connection closed before it was acknowledged: ${(event as { code?: number; reason?: string }).code} ${(event as { reason?: string }).reason}`)),
                },
              });
            }),
          );
          clients.push(client);
          allClients.push(client);
          for (let s = 0; s < o.perConnection && opened < count; s++, opened++) {
            const last = { cursor: null as string | null };
            client.subscribe(
              { query: CHANGES, variables: { segmentIds: segments } },
              {
                next: (result) => {
                  const change = (result.data as { segmentMembershipChanged?: Change } | undefined)?.segmentMembershipChanged;
                  if (result.errors?.length || !change) {
                    subscriptionErrors++;
                    process.stderr.write(`subscription answer without a change: ${JSON.stringify(result).slice(0, 300)}\n`);
                  } else onChange?.(last, change);
                },
                error: (error) => {
                  subscriptionErrors++;
                  process.stderr.write(`subscription error: ${JSON.stringify(error).slice(0, 300)}\n`);
                },
                complete: () => undefined,
              },
            );
          }
        }
        await Promise.all(acknowledged);
        progress(label, Math.min(connections, wave + CONNECTION_WAVE), connections);
      }
      return clients;
    };

    const cityOf = new Map(users.map((u) => [u, north]));
    let nextUser = 0;
    /**
     * Ingest calls at a fixed rate (not waiting for answers), alternating instances, for the deliveries/s asked;
     * then waits for the deliveries (at most TAIL_MS after the last call) and counts what came and what did not.
     */
    const runStep = async (deliveriesPerSecond: number, seconds: number): Promise<Step> => {
      const rate = callsPerSecond(deliveriesPerSecond);
      const total = Math.round(rate * seconds);
      const current = { id: ++stepIds, delivered: 0, duplicates: 0, unexpected: 0, late: 0, lastAt: 0, latencies: [] as number[] };
      const ingestLatencies: number[] = [];
      let failedAnswers = 0;
      const subscriptionErrorsBefore = subscriptionErrors;
      const cpuBefore = cpuNow(instances, neo4j.pid);
      const queriesBefore = await queryStats(instances, metricsAuth);
      step = current;
      const began = performance.now();
      const inFlight = new Set<Promise<unknown>>();
      for (let call = 0; call < total; call++) {
        const wait = began + (call * 1000) / rate - performance.now();
        if (wait > 0) await sleep(wait);
        const picked = Array.from({ length: o.batch }, () => users[nextUser++ % users.length]);
        // Set before the call: a delivery can arrive before the call's answer does.
        const sentAt = performance.now();
        const events = picked.map((userId) => {
          const from = cityOf.get(userId)!;
          const to = from === north ? south : north;
          cityOf.set(userId, to);
          moves.set(customerOf.get(userId)!, { step: current.id, sentAt, exited: segmentOf.get(from)!, entered: segmentOf.get(to)! });
          return { messageId: randomUUID(), type: 'IDENTIFY', userId, traits: { city: to } };
        });
        const sent = post(instances[call % instances.length], INGEST, { events }).then(
          () => void ingestLatencies.push(performance.now() - sentAt),
          (error: Error) => {
            failedAnswers++;
            process.stderr.write(`ingest failed: ${error.message.slice(0, 300)}\n`);
          },
        );
        inFlight.add(sent);
        void sent.finally(() => inFlight.delete(sent));
      }
      await Promise.all(inFlight);
      const expected = total * deliveriesPerCall;
      const tailUntil = performance.now() + TAIL_MS;
      while (current.delivered < expected && performance.now() < tailUntil) await sleep(20);
      // Late duplicates of this step's changes still count.
      await sleep(200);
      step = null;
      const cpuAfter = cpuNow(instances, neo4j.pid);
      const queries = since(queriesBefore, await queryStats(instances, metricsAuth));
      const nominal = total / rate;
      const span = (current.lastAt - began) / 1000;
      const delivered = current.delivered;
      const apiCpu = cpuAfter.api !== null && cpuBefore.api !== null ? cpuAfter.api - cpuBefore.api : null;
      const neo4jCpu = cpuAfter.neo4j !== null && cpuBefore.neo4j !== null ? cpuAfter.neo4j - cpuBefore.neo4j : null;
      return {
        offered: deliveriesPerSecond,
        // The rate of deliveries while the load ran: the offered rate when every delivery came in its time.
        achieved: delivered / Math.max(nominal, span),
        expected,
        delivered,
        missing: expected - delivered,
        duplicates: current.duplicates,
        unexpected: current.unexpected,
        late: current.late,
        failedAnswers: failedAnswers + subscriptionErrors - subscriptionErrorsBefore,
        calls: total,
        latencies: current.latencies.sort((a, b) => a - b),
        ingestLatencies: ingestLatencies.sort((a, b) => a - b),
        apiCpuUs: apiCpu === null || delivered === 0 ? null : (apiCpu * 1000) / delivered,
        clientCpuUs: delivered === 0 ? NaN : (cpuAfter.client - cpuBefore.client) / delivered,
        neo4jCpuMs: neo4jCpu === null ? null : neo4jCpu / total,
        neo4jThreads:
          cpuAfter.neo4jThreads && cpuBefore.neo4jThreads
            ? {
                work: (cpuAfter.neo4jThreads.work - cpuBefore.neo4jThreads.work) / total,
                gc: (cpuAfter.neo4jThreads.gc - cpuBefore.neo4jThreads.gc) / total,
                jit: (cpuAfter.neo4jThreads.jit - cpuBefore.neo4jThreads.jit) / total,
                other: (cpuAfter.neo4jThreads.other - cpuBefore.neo4jThreads.other) / total,
              }
            : null,
        queries,
      };
    };
    const passed = (s: Step) => s.missing === 0 && s.duplicates === 0 && s.unexpected === 0 && s.failedAnswers === 0 && pct(s.latencies, 99) <= P99_MS;

    await subscribe(o.subscribers, 'subscriptions', deliver);
    await sleep(2_000); // every subscription registered and the instances settled

    console.log(
      `\nbench:audience — ${o.subscribers} subscriptions (${Math.round(o.maskedShare * 100)}% with a masked analyst token) over ${Math.ceil(o.subscribers / o.perConnection)} WebSocket connections on 2 API processes; ingest calls of ${o.batch} customer(s), each heard as 2 changes by every subscriber`,
    );
    console.log(machineConditions(neo4j));
    process.stderr.write(`warming up for ${o.warmup} s...\n`);
    if (o.warmup > 0) printStep('warm-up', await runStep(TARGET_DELIVERIES, o.warmup));

    const outcomes = await trials(o.runs, 'bench:audience', async (run) => {
      console.log(`\nrun ${run + 1} of ${o.runs} (load ${loadAverage().toFixed(2)})`);
      const memory = await idleMemory(o.idle, instances, snapshotDir, metricsAuth, (count) => subscribe(count, 'idle subscriptions', null));
      console.log(
        `memory per idle subscription (${o.idle} opened, half on each instance, heap after a full collection): ${memory.map((m, i) => `instance ${i + 1} ${m.heapKb.toFixed(1)} KB heap, ${m.rssKb.toFixed(1)} KB RSS`).join('; ')}`,
      );
      await sleep(1_000);
      const atTarget = await runStep(TARGET_DELIVERIES, o.seconds);
      printStep('target', atTarget);
      // The capacity: the last step that held (p99 within 100 ms, nothing missing), the target load being the first.
      let capacity = passed(atTarget) ? atTarget.achieved : 0;
      let failedAnswers = atTarget.failedAnswers;
      if (passed(atTarget)) {
        for (const offered of o.ramp.filter((d) => d > TARGET_DELIVERIES)) {
          await sleep(1_000);
          const s = await runStep(offered, o.stepSeconds);
          printStep('ramp', s);
          failedAnswers += s.failedAnswers;
          if (!passed(s)) {
            console.log(`capacity: ${capacity.toFixed(0)} deliveries/s, the last step that held; at ${offered} offered, ${failure(s)}`);
            break;
          }
          capacity = s.achieved;
          if (offered === o.ramp.at(-1)) console.log(`capacity: at least ${capacity.toFixed(0)} deliveries/s (every step held; raise --ramp to find the limit)`);
        }
      } else {
        console.log(`capacity: below ${TARGET_DELIVERIES} deliveries/s (the target load already fails: ${failure(atTarget)})`);
      }
      return { atTarget, capacity, failedAnswers, heapKb: Math.max(...memory.map((m) => m.heapKb)) };
    });

    const bench = 'audience';
    const loads = outcomes.map((r) => r.load);
    const failedAtTarget = outcomes.reduce((n, r) => n + r.value.atTarget.failedAnswers, 0);
    const shape = `${o.subscribers} subscribers on 2 instances`;
    const results: TargetResult[] = [
      {
        bench,
        target: `p99 ingest call -> delivery at ${TARGET_DELIVERIES} deliveries/s, ${shape}`,
        unit: 'ms',
        goal: { atMost: P99_MS },
        runs: outcomes.map((r) => pct(r.value.atTarget.latencies, 99)),
        loads,
        failedAnswers: failedAtTarget,
      },
      {
        bench,
        target: `deliveries/s achieved at ${TARGET_DELIVERIES} offered (missing ones lower it)`,
        unit: 'deliveries/s',
        goal: { atLeast: TARGET_DELIVERIES },
        runs: outcomes.map((r) => r.value.atTarget.achieved),
        loads,
        failedAnswers: failedAtTarget,
      },
      {
        bench,
        target: 'heap per idle subscription (own connection), worst instance',
        unit: 'KB',
        goal: { atMost: 10 },
        runs: outcomes.map((r) => r.value.heapKb),
        loads,
        failedAnswers: 0,
      },
      {
        bench,
        target: `capacity: deliveries/s before p99 passes ${P99_MS} ms or one goes missing`,
        unit: 'deliveries/s',
        goal: { atLeast: CAPACITY_GOAL },
        runs: outcomes.map((r) => r.value.capacity),
        loads,
        failedAnswers: outcomes.reduce((n, r) => n + r.value.failedAnswers, 0),
      },
    ];
    console.log(`\n${targetTable(results)}`);
    saveResults(values.json, results);
  } finally {
    await Promise.all(allClients.map((client) => client.dispose()));
    for (const instance of instances) await instance.process.stop();
    await redis.stop();
    await neo4j.stop();
    rmSync(dataDir, { recursive: true, force: true });
    if (!process.env.BENCH_KEEP_SNAPSHOTS) rmSync(snapshotDir, { recursive: true, force: true });
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** Stream ids (`<ms>-<seq>`) in order, without BigInt: both parts stay below 2^53 here. */
function cursorAfter(a: string, b: string): boolean {
  const [am, as] = a.split('-').map(Number);
  const [bm, bs] = b.split('-').map(Number);
  return am !== bm ? am > bm : as > bs;
}

function failure(s: Step): string {
  const reasons = [`p99 ${pct(s.latencies, 99).toFixed(1)} ms`];
  if (s.missing) reasons.push(`${s.missing} missing`);
  if (s.duplicates) reasons.push(`${s.duplicates} duplicated`);
  if (s.unexpected) reasons.push(`${s.unexpected} unexpected`);
  if (s.failedAnswers) reasons.push(`${s.failedAnswers} failed answers`);
  return reasons.join(', ');
}

function printStep(label: string, s: Step) {
  const ms = (x: number) => x.toFixed(1);
  const statements = [...s.queries.values()].reduce((n, q) => n + q.count, 0);
  const busiest = [...s.queries]
    .sort((a, b) => b[1].seconds - a[1].seconds)
    .slice(0, 6)
    .map(([name, q]) => `${name} ${(q.count / s.calls).toFixed(1)}x ${((1000 * q.seconds) / q.count).toFixed(1)} ms`)
    .join(', ');
  const cpu = (x: number | null, unit: string) => (x === null || Number.isNaN(x) ? 'n/a' : `${x.toFixed(unit === 'ms' ? 1 : 0)} ${unit}`);
  console.log(
    [
      `${label}: ${s.offered} deliveries/s offered (${s.calls} ingest calls), achieved ${s.achieved.toFixed(0)}/s; delivered ${s.delivered} of ${s.expected} (missing ${s.missing}, duplicated ${s.duplicates}, unexpected ${s.unexpected}, late from the step before ${s.late}); failed answers (ingest calls, subscription errors) ${s.failedAnswers}; load ${loadAverage().toFixed(2)}`,
      `  ingest call -> delivery (ms): p50 ${ms(pct(s.latencies, 50))}  p90 ${ms(pct(s.latencies, 90))}  p99 ${ms(pct(s.latencies, 99))}  max ${ms(s.latencies.at(-1) ?? NaN)}; ingest answer p50 ${ms(pct(s.ingestLatencies, 50))}  p99 ${ms(pct(s.ingestLatencies, 99))}`,
      `  CPU per delivery: API processes ${cpu(s.apiCpuUs, 'µs')}, benchmark clients ${cpu(s.clientCpuUs, 'µs')}; Neo4j per ingest call ${cpu(s.neo4jCpuMs, 'ms')}${
        s.neo4jThreads ? ` (queries ${cpu(s.neo4jThreads.work, 'ms')}, JIT compilers ${cpu(s.neo4jThreads.jit, 'ms')}, GC ${cpu(s.neo4jThreads.gc, 'ms')}, other ${cpu(s.neo4jThreads.other, 'ms')})` : ''
      }`,
      `  Cypher statements per ingest call ${(statements / s.calls).toFixed(1)} (${busiest || 'none'})`,
    ].join('\n'),
  );
}

/** CPU used so far (ms): both API processes together, Neo4j (when embedded), and this process (µs). */
function cpuNow(instances: Instance[], neo4jPid: number | undefined) {
  const api = instances.map((i) => processCpuMs(i.process.pid));
  const usage = process.cpuUsage();
  return {
    api: api.includes(null) ? null : api.reduce<number>((sum, ms) => sum + ms!, 0),
    neo4j: neo4jPid === undefined ? null : processCpuMs(neo4jPid),
    neo4jThreads: neo4jPid === undefined ? null : jvmThreadCpuMs(neo4jPid),
    client: usage.user + usage.system,
  };
}

/** Every instance's count and time of Cypher statements so far, by file, from /metrics. */
async function queryStats(instances: Instance[], auth: string): Promise<QueryStats> {
  const stats: QueryStats = new Map();
  for (const instance of instances) {
    const text = await metricsText(instance.url, auth);
    for (const [, kind, name, value] of text.matchAll(/^c360_neo4j_query_duration_seconds_(count|sum)\{query="([^"]+)"\} (\S+)$/gm)) {
      const entry = stats.get(name) ?? { count: 0, seconds: 0 };
      if (kind === 'count') entry.count += Number(value);
      else entry.seconds += Number(value);
      stats.set(name, entry);
    }
  }
  return stats;
}

function since(before: QueryStats, after: QueryStats): QueryStats {
  const out: QueryStats = new Map();
  for (const [name, q] of after) {
    const b = before.get(name) ?? { count: 0, seconds: 0 };
    if (q.count > b.count) out.set(name, { count: q.count - b.count, seconds: q.seconds - b.seconds });
  }
  return out;
}

/**
 * Heap and RSS each instance spends per idle subscription: measured before and after `count` subscriptions (half
 * on each instance) are opened and left idle, then closed again.
 */
async function idleMemory(count: number, instances: Instance[], snapshotDir: string, auth: string, open: (count: number) => Promise<Client[]>) {
  const before = await memoryOfAll(instances, snapshotDir, auth);
  const clients = await open(count);
  await sleep(2_000);
  const after = await memoryOfAll(instances, snapshotDir, auth);
  await Promise.all(clients.map((client) => client.dispose()));
  const share = count / instances.length;
  return instances.map((_, i) => ({ heapKb: (after[i].heap - before[i].heap) / share / 1024, rssKb: (after[i].rss - before[i].rss) / share / 1024 }));
}

async function memoryOfAll(instances: Instance[], snapshotDir: string, auth: string) {
  const figures: { heap: number; rss: number }[] = [];
  for (const instance of instances) figures.push(await memoryOf(instance, snapshotDir, auth));
  return figures;
}

/**
 * Heap in use and RSS of an instance, from its /metrics (prom-client's process metrics), right after a full
 * collection: the instance runs with --heapsnapshot-signal, and writing a heap snapshot collects garbage first.
 */
async function memoryOf(instance: Instance, snapshotDir: string, auth: string): Promise<{ heap: number; rss: number }> {
  const rssSamples: number[] = [];
  for (let i = 0; i < 3; i++) {
    rssSamples.push((await metricsOf(instance.url, auth)).rss);
    await sleep(300);
  }
  // Before the snapshot, which itself grows the process.
  const rss = rssSamples.reduce((sum, r) => sum + r, 0) / rssSamples.length;
  const before = new Set(readdirSync(snapshotDir));
  process.kill(instance.process.pid, 'SIGUSR2');
  for (let waited = 0; waited < 60_000; waited += 200) {
    await sleep(200);
    const written = readdirSync(snapshotDir).filter((f) => !before.has(f) && f.includes(`.${instance.process.pid}.`) && f.endsWith('.heapsnapshot'));
    if (written.length === 0) continue;
    const file = path.join(snapshotDir, written[0]);
    const size = statSync(file).size;
    await sleep(500);
    if (statSync(file).size !== size) continue; // still being written
    if (process.env.BENCH_KEEP_SNAPSHOTS) console.error(`heap snapshot kept: ${file}`);
    else rmSync(file);
    break;
  }
  const heaps: number[] = [];
  for (let i = 0; i < 3; i++) {
    heaps.push((await metricsOf(instance.url, auth)).heap);
    await sleep(200);
  }
  const figures = { heap: Math.min(...heaps), rss };
  if (!Number.isFinite(figures.heap) || !Number.isFinite(figures.rss)) throw new Error(`no memory figures in ${instance.url}/metrics`);
  return figures;
}

async function metricsText(url: string, auth: string, attempt = 1): Promise<string> {
  try {
    return await (await fetch(`${url}/metrics`, { headers: { authorization: auth } })).text();
  } catch (error) {
    // A kept-alive connection the server has just closed: once more on a new one.
    if (attempt >= 3) throw error;
    return metricsText(url, auth, attempt + 1);
  }
}

async function metricsOf(url: string, auth: string): Promise<{ heap: number; rss: number }> {
  const text = await metricsText(url, auth);
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? NaN);
  return { heap: value('nodejs_heap_size_used_bytes'), rss: value('process_resident_memory_bytes') };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
