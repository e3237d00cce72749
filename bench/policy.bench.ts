import 'reflect-metadata';
import { parseArgs } from 'node:util';
import type { Role } from '../src/auth/roles';
import type { TokenMinter } from '../src/auth/token-minter';
import { encodeCursor } from '../src/shared/connection';
import { machineConditions, startBenchStack, type BenchStack } from './bench-stack';
import { CPU_NOTE, HEADER, load, profileCpuInto, row, seed, withServer, type Measured, type Server } from './read-load';

/** The policy layer's worst case: one request, 1,000 customers, each with PII fields and nested identifiers. */
const LIST_QUERY = `query List($after: String) {
  customers(first: 1000, after: $after) {
    edges { node { id firstName lastName email phone city country identifiers { type value } consents { purpose status } } }
  }
}`;

type Run = { server: Server; role: Role; label: string };

/** A page of 1,000 customers starting at a random one of the first pages (cursors are customer ids). */
function randomPage(firstIds: string[]) {
  const after = firstIds[Math.floor(Math.random() * firstIds.length)];
  return JSON.stringify({ query: LIST_QUERY, variables: { after: encodeCursor([after]) }, operationName: 'List' });
}

/** Issue 4: the policy layer's cost on a 1,000-customer list, with and without the layer, in one run. */
async function policyScenario(stack: BenchStack, minter: TokenMinter, o: { seconds: number; warmUp: number; connections: number }) {
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
        await load(target, { connections: o.connections, seconds: o.warmUp, token, body });
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
      customers: { type: 'string', default: '100000' },
      seconds: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '30' },
      connections: { type: 'string', default: '4' },
      'cpu-prof': { type: 'string' },
    },
  });
  profileCpuInto(values['cpu-prof']);
  const stack = await startBenchStack();
  try {
    await seed(stack, Number(values.customers));
    await policyScenario(stack, stack.app.minter!, {
      seconds: Number(values.seconds),
      warmUp: Number(values.warmup),
      connections: Number(values.connections),
    });
  } finally {
    await stack.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
