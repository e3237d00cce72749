import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { isRole, ROLE_SCOPES, ROLES, type Role } from '../src/auth/roles';
import type { TokenMinter } from '../src/auth/token-minter';
import { machineConditions, startBenchStack, type BenchStack } from './bench-stack';
import { CPU_NOTE, HEADER, load, paced, profileCpuInto, row, seed, withServer, type Measured, type Server } from './read-load';

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

/**
 * Default `--warmup`: load at saturation before each server and role is measured. 15 s was enough for Node's JIT,
 * not for Neo4j's: with it, the first role measured after the seed load had p99 at 500 requests/s of 14 to 23 ms
 * and cost Neo4j twice the CPU per request it cost a minute later (measured); after 60 s, 9 ms.
 */
const WARM_UP_SECONDS = 60;

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

async function main() {
  const { values } = parseArgs({
    options: {
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
  profileCpuInto(values['cpu-prof']);
  const customers = Number(values.customers);
  const seconds = Number(values.seconds);
  const stack = await startBenchStack();
  const minter = stack.app.minter!;
  try {
    const ids = await seed(stack, customers);
    {
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
    }
  } finally {
    await stack.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
