import autocannon from 'autocannon';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { RawEvent } from '../ingestion/event-normalizer';
import { startManagedProcess } from '../infra/services/managed-process';
import { machineConditions, progress, startBenchStack, type BenchStack } from './bench-stack';

const QUERY = `query Profile($type: IdentifierType!, $value: String!) {
  customerByIdentifier(type: $type, value: $value) {
    id firstName lastName email identifiers { type value } devices { id model } consents { purpose status }
  }
}`;

type Measured = { rps: number; p50: number; p90: number; p99: number; errors: number; non2xx: number };

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

async function seed(stack: BenchStack, customers: number) {
  for (let start = 0; start < customers; start += 1000) {
    const batch = Array.from({ length: Math.min(1000, customers - start) }, (_, k) => customerEvent(start + k));
    await stack.app.services.ingestion.ingestEvents(batch);
    progress('seeding customers', Math.min(start + 1000, customers), customers);
  }
}

/** Random existing identifiers, half emails and half user ids, already in their normalised form. */
function randomLookup(customers: number) {
  const i = Math.floor(Math.random() * customers);
  const variables = i % 2 === 0 ? { type: 'EMAIL', value: `rb-${i}@read.bench` } : { type: 'USER_ID', value: `rb-user-${i}` };
  return JSON.stringify({ query: QUERY, variables, operationName: 'Profile' });
}

async function load(url: string, customers: number, options: { connections: number; seconds: number; rate?: number }): Promise<Measured> {
  const result = await autocannon({
    url: `${url}/graphql`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections: options.connections,
    duration: options.seconds,
    overallRate: options.rate,
    requests: [{ setupRequest: (request) => ({ ...request, body: randomLookup(customers) }) }],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      customers: { type: 'string', default: '100000' },
      seconds: { type: 'string', default: '20' },
      rate: { type: 'string', default: '500' },
      connections: { type: 'string', default: '32' },
    },
  });
  const customers = Number(values.customers);
  const seconds = Number(values.seconds);
  const rate = Number(values.rate);
  const connections = Number(values.connections);
  const stack = await startBenchStack();
  const rows: { server: string; mode: string; m: Measured }[] = [];
  try {
    await seed(stack, customers);
    // Both servers run in a process of their own against the same seeded Neo4j; the load comes from this one.
    for (const server of ['full', 'baseline'] as const) {
      const child = await startManagedProcess({
        name: `read benchmark server (${server})`,
        command: process.execPath,
        args: [path.join(__dirname, 'read-server.command.js'), server],
        env: { ...process.env, NEO4J_URI: stack.neo4j.uri, NEO4J_USER: stack.neo4j.user, ...(stack.neo4j.password ? { NEO4J_PASSWORD: stack.neo4j.password } : {}) },
        ready: /^READY /,
        timeoutMs: 60_000,
      });
      const url = child.readyLine.replace(/^READY /, '').trim();
      try {
        process.stderr.write(`${server}: warming up...\n`);
        await load(url, customers, { connections, seconds: 5 });
        process.stderr.write(`${server}: ${rate} requests/s for ${seconds} s...\n`);
        rows.push({ server, mode: `fixed ${rate} req/s`, m: await load(url, customers, { connections: 16, seconds, rate }) });
        process.stderr.write(`${server}: ${connections} connections, as fast as it goes, for ${seconds} s...\n`);
        rows.push({ server, mode: `${connections} connections`, m: await load(url, customers, { connections, seconds }) });
      } finally {
        await child.stop();
      }
    }
    console.log(`\nbench:read — customerByIdentifier with identifiers, devices and consents over HTTP, ${customers} customers`);
    console.log(`${machineConditions(stack.neo4j)}; load generator (autocannon) on the same machine\n`);
    console.log('server     mode                 req/s    p50 ms   p90 ms   p99 ms   errors   non-2xx');
    for (const { server, mode, m } of rows) {
      console.log(
        `${server.padEnd(10)} ${mode.padEnd(18)} ${m.rps.toFixed(0).padStart(7)} ${String(m.p50).padStart(9)} ${String(m.p90).padStart(8)} ${String(m.p99).padStart(8)} ${String(m.errors).padStart(8)} ${String(m.non2xx).padStart(9)}`,
      );
    }
    const saturated = (server: string) => rows.find((r) => r.server === server && r.mode.endsWith('connections'))!.m.rps;
    console.log(`\nfull-stack saturation throughput / baseline: ${(saturated('full') / saturated('baseline')).toFixed(2)}x`);
    console.log('targets: p99 <= 10 ms at 500 req/s; full stack >= 0.8x the baseline at saturation');
  } finally {
    await stack.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
