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

const INGEST = `mutation($events: [IdentityEventInput!]!) { ingestEvents(events: $events) { results { customerId outcome } } }`;
const CREATE = `mutation($name: String!, $definition: JSON!) { createSegment(name: $name, definition: $definition) { id } }`;
const STATUS = `query($id: ID!) { segment(id: $id) { status size } }`;
const CHANGES = `subscription($segmentIds: [ID!]!) { segmentMembershipChanged(segmentIds: $segmentIds) { segmentId customerId change at cursor } }`;

const ROOT = path.resolve(__dirname, '../..');
const READY = /Customer-360 API ready: GraphQL at (http:\/\/[^\s"]+)\/graphql/;

type Instance = { url: string; process: ManagedProcess };

/**
 * Issue 5: real-time audiences under load. Two API processes share Neo4j and Redis; subscribers are spread over both;
 * a steady stream of ingests moves customers between two segments. Prints end-to-end latency from the ingest call to
 * each delivery, deliveries per second, and the memory an idle subscription costs an instance.
 */
async function main() {
  const { values } = parseArgs({
    options: {
      subscribers: { type: 'string', default: '1000' },
      'per-connection': { type: 'string', default: '1' },
      customers: { type: 'string', default: '400' },
      batch: { type: 'string', default: '1' },
      rate: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '10' },
      seconds: { type: 'string', default: '20' },
      'cpu-prof-dir': { type: 'string' },
    },
  });
  const o = {
    subscribers: Number(values.subscribers),
    perConnection: Number(values['per-connection']),
    customers: Number(values.customers),
    batch: Number(values.batch),
    rate: Number(values.rate),
    warmup: Number(values.warmup),
    seconds: Number(values.seconds),
  };

  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'c360-bench-neo4j-'));
  const snapshotDir = mkdtempSync(path.join(os.tmpdir(), 'c360-bench-heap-'));
  const config = loadConfig({ ...process.env, AUTH_DEV_MODE: 'true', NEO4J_LOCAL_DATA_DIR: dataDir });
  const log = (message: string) => process.stderr.write(`${message}\n`);
  const [neo4j, redis] = await Promise.all([provideNeo4j(config.neo4j, log), provideRedis(config.redis.url, log)]);
  const secret = randomBytes(32).toString('base64url');
  const minter = new TokenMinter(secret, 'customer360', 'customer360-api');
  const token = await minter.mint({ role: 'admin', subject: 'bench' });
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
  const clients: Client[] = [];
  try {
    const post = async (instance: Instance, query: string, variables: Record<string, unknown>) => {
      const response = await fetch(`${instance.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: any; errors?: unknown[] };
      if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
      return body.data;
    };

    // Customers, then two segments they move between.
    const run = randomUUID().slice(0, 8);
    const north = `north-${run}`;
    const south = `south-${run}`;
    const users = Array.from({ length: o.customers }, (_, i) => `bench-${run}-${i}`);
    const customerOf = new Map<string, string>();
    for (let i = 0; i < users.length; i += 100) {
      const slice = users.slice(i, i + 100);
      const data = await post(instances[0], INGEST, {
        events: slice.map((userId) => ({ messageId: randomUUID(), type: 'IDENTIFY', userId, traits: { city: north } })),
      });
      (data.ingestEvents.results as { customerId: string }[]).forEach((r, j) => customerOf.set(slice[j], r.customerId));
      progress('customers', Math.min(i + 100, users.length), users.length);
    }
    const segments: string[] = [];
    for (const city of [north, south]) {
      const { createSegment } = await post(instances[0], CREATE, { name: `bench ${city}`, definition: { attribute: 'city', eq: city } });
      segments.push(createSegment.id);
    }
    for (const id of segments) {
      while ((await post(instances[0], STATUS, { id })).segment.status !== 'READY') await sleep(100);
    }

    // Idle memory: each instance before and after its share of subscriptions.
    const memoryBefore = await memoryOfAll(instances, snapshotDir);
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    let deliveries = 0;
    let measuring = false;
    const connections = Math.ceil(o.subscribers / o.perConnection);
    let opened = 0;
    for (let c = 0; c < connections; c++) {
      const instance = instances[c % instances.length];
      const client = createClient({
        url: `${instance.url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: false,
        connectionParams: { Authorization: `Bearer ${token}` },
      });
      clients.push(client);
      for (let s = 0; s < o.perConnection && opened < o.subscribers; s++, opened++) {
        client.subscribe(
          { query: CHANGES, variables: { segmentIds: segments } },
          {
            next: (result) => {
              const change = (result.data as { segmentMembershipChanged: { customerId: string } } | undefined)?.segmentMembershipChanged;
              if (!change || !measuring) return;
              deliveries++;
              const sent = sentAt.get(change.customerId);
              if (sent !== undefined) latencies.push(performance.now() - sent);
            },
            error: (error) => process.stderr.write(`subscription error: ${JSON.stringify(error)}\n`),
            complete: () => undefined,
          },
        );
      }
      if (c % 50 === 0) progress('connections', c + 1, connections);
    }
    progress('connections', connections, connections);
    await sleep(5_000); // every subscription registered and the instances settled
    const memoryAfter = await memoryOfAll(instances, snapshotDir);

    // Load: ingest calls at a fixed rate (not waiting for answers), alternating instances; each moves `batch`
    // customers to the other segment (one EXITED and one ENTERED each).
    const cityOf = new Map(users.map((u) => [u, north]));
    let next = 0;
    let calls = 0;
    const changesExpected = { count: 0 };
    const runLoad = async (seconds: number) => {
      const began = performance.now();
      const inFlight = new Set<Promise<unknown>>();
      for (let call = 0; call < o.rate * seconds; call++) {
        const due = began + (call * 1000) / o.rate;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        const picked = Array.from({ length: o.batch }, () => users[next++ % users.length]);
        const events = picked.map((userId) => {
          const city = cityOf.get(userId) === north ? south : north;
          cityOf.set(userId, city);
          return { messageId: randomUUID(), type: 'IDENTIFY', userId, traits: { city } };
        });
        // Set before the call: a delivery can arrive before the call's answer does.
        const t0 = performance.now();
        for (const userId of picked) sentAt.set(customerOf.get(userId)!, t0);
        const sent = post(instances[call % instances.length], INGEST, { events }).then(() => {
          changesExpected.count += picked.length * 2;
          calls++;
        });
        inFlight.add(sent);
        void sent.finally(() => inFlight.delete(sent));
      }
      await Promise.all(inFlight);
    };
    // Warm-up (JIT, Neo4j's plan cache), not measured; then the measured run.
    process.stderr.write(`warming up for ${o.warmup} s...\n`);
    await runLoad(o.warmup);
    await sleep(3_000);
    calls = 0;
    changesExpected.count = 0;
    measuring = true;
    process.stderr.write(`measuring for ${o.seconds} s...\n`);
    const started = performance.now();
    await runLoad(o.seconds);
    const loadSeconds = (performance.now() - started) / 1000;
    const expected = changesExpected.count * o.subscribers;
    const tailUntil = performance.now() + 10_000;
    while (deliveries < expected && performance.now() < tailUntil) await sleep(50);
    measuring = false;
    const deliverySeconds = (performance.now() - started) / 1000;

    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
    console.log(`\nbench:audience — ${o.subscribers} subscriptions over ${connections} WebSocket connections on 2 API processes, ${o.customers} customers moving between 2 segments`);
    console.log(machineConditions(neo4j));
    console.log(`load: ${calls} ingest calls of ${o.batch} events in ${loadSeconds.toFixed(1)} s (asked: ${o.rate} calls/s), ${changesExpected.count} membership changes (${(changesExpected.count / loadSeconds).toFixed(0)}/s)`);
    console.log(`deliveries: ${deliveries} of ${expected} expected (${expected - deliveries} missing) in ${deliverySeconds.toFixed(1)} s: ${(deliveries / deliverySeconds).toFixed(0)} deliveries/s`);
    console.log(`end-to-end latency, ingest call start -> delivery (ms), ${latencies.length} timed: p50 ${pct(50).toFixed(1)}  p90 ${pct(90).toFixed(1)}  p99 ${pct(99).toFixed(1)}  max ${(latencies.at(-1) ?? NaN).toFixed(1)}`);
    instances.forEach((_, i) => {
      const share = Math.ceil(o.subscribers / instances.length);
      const heap = (memoryAfter[i].heap - memoryBefore[i].heap) / share;
      console.log(`instance ${i + 1}: memory per idle subscription ${(heap / 1024).toFixed(1)} KB of heap after a full collection (${share} subscriptions)`);
    });
    console.log('targets: p99 <= 100 ms, >= 10,000 deliveries/s, <= 10 KB per idle subscription');
  } finally {
    await Promise.all(clients.map((client) => client.dispose()));
    for (const instance of instances) await instance.process.stop();
    await redis.stop();
    await neo4j.stop();
    rmSync(dataDir, { recursive: true, force: true });
    if (!process.env.BENCH_KEEP_SNAPSHOTS) rmSync(snapshotDir, { recursive: true, force: true });
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function memoryOfAll(instances: Instance[], snapshotDir: string) {
  const figures: { heap: number; rss: number }[] = [];
  for (const instance of instances) figures.push(await memoryOf(instance, snapshotDir));
  return figures;
}

/**
 * Heap in use and RSS of an instance, from its /metrics (prom-client's process metrics), right after a full
 * collection: the instance runs with --heapsnapshot-signal, and writing a heap snapshot collects garbage first.
 */
async function memoryOf(instance: Instance, snapshotDir: string): Promise<{ heap: number; rss: number }> {
  const rssSamples: number[] = [];
  for (let i = 0; i < 3; i++) {
    rssSamples.push((await metricsOf(instance.url)).rss);
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
    heaps.push((await metricsOf(instance.url)).heap);
    await sleep(200);
  }
  return { heap: Math.min(...heaps), rss };
}

async function metricsOf(url: string): Promise<{ heap: number; rss: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? NaN);
  return { heap: value('nodejs_heap_size_used_bytes'), rss: value('process_resident_memory_bytes') };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
