import { parseArgs } from 'node:util';
import type { RawEvent } from '../src/ingestion/event-normalizer';
import { machineConditions, progress, startBenchStack, type BenchStack } from './bench-stack';
import { syntheticEvents } from './synthetic-events';

const INGEST = `mutation($events: [IdentityEventInput!]!) { ingestEvents(events: $events) { rejected } }`;

type Run = {
  path: 'service' | 'http';
  batch: number;
  events: number;
  seconds: number;
  outcomes: Record<string, number>;
  /** Mean ms per call over the first and the last tenth of the run: equal when work does not grow with the data. */
  firstTenthMs: number;
  lastTenthMs: number;
};

async function run(stack: BenchStack, path: Run['path'], batch: number, events: RawEvent[]): Promise<Run> {
  const outcomes: Record<string, number> = {};
  const label = `${path} batch ${batch}`;
  const started = performance.now();
  const callMs: number[] = [];
  for (let start = 0; start < events.length; start += batch) {
    const callStarted = performance.now();
    const slice = events.slice(start, start + batch);
    if (path === 'service') {
      for (const result of await stack.app.services.ingestion.ingestEvents(slice)) {
        outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
      }
    } else {
      const response = await fetch(`${stack.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.token}` },
        body: JSON.stringify({ query: INGEST, variables: { events: slice } }),
      });
      const body = (await response.json()) as { errors?: unknown; data?: { ingestEvents: { rejected: number } } };
      if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
      outcomes.REJECTED = (outcomes.REJECTED ?? 0) + body.data!.ingestEvents.rejected;
    }
    callMs.push(performance.now() - callStarted);
    const done = Math.min(start + batch, events.length);
    if (done === events.length || Math.floor(done / 5000) !== Math.floor(start / 5000)) progress(label, done, events.length);
  }
  const tenth = Math.max(1, Math.floor(callMs.length / 10));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    path,
    batch,
    events: events.length,
    seconds: (performance.now() - started) / 1000,
    outcomes,
    firstTenthMs: mean(callMs.slice(0, tenth)),
    lastTenthMs: mean(callMs.slice(-tenth)),
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '50000' },
      'per-event': { type: 'string', default: '3000' },
      paths: { type: 'string', default: 'service,http' },
      batches: { type: 'string', default: '1,100,1000' },
    },
  });
  const total = Number(values.events);
  const perEvent = Number(values['per-event']);
  const batches = values.batches!.split(',').map(Number);
  const paths = values.paths!.split(',') as Run['path'][];
  const stack = await startBenchStack();
  const runs: Run[] = [];
  try {
    // Warm the JVM and the query caches at every batch size first, so no measured run is also the cold one.
    const warmup = syntheticEvents(6000, `bench-warmup-${Date.now().toString(36)}`);
    await run(stack, 'service', 1000, warmup.slice(0, 4000));
    await run(stack, 'service', 100, warmup.slice(4000, 5000));
    await run(stack, 'service', 1, warmup.slice(5000));
    for (const path of paths) {
      for (const batch of batches) {
        // One call per event is slow by nature; a smaller sample gives the same rate in reasonable time.
        const count = batch === 1 ? Math.min(perEvent, total) : total;
        const events = syntheticEvents(count, `bench-${path}-${batch}-${Date.now().toString(36)}`);
        runs.push(await run(stack, path, batch, events));
      }
    }
    console.log(`\nbench:ingest — synthetic identity events (~30% share identifiers: links and merges)\n${machineConditions(stack.neo4j)}\n`);
    console.log('path     batch   events   seconds   events/s   x per-event   ms/call first..last tenth   outcomes');
    for (const r of runs) {
      const base = runs.find((x) => x.path === r.path && x.batch === 1);
      const rate = r.events / r.seconds;
      const ratio = base ? (rate / (base.events / base.seconds)).toFixed(1) : 'n/a';
      const outcomes = Object.entries(r.outcomes).map(([k, v]) => `${k}=${v}`).join(' ');
      console.log(
        `${r.path.padEnd(8)} ${String(r.batch).padStart(5)} ${String(r.events).padStart(8)} ${r.seconds.toFixed(1).padStart(9)} ${rate
          .toFixed(0)
          .padStart(10)} ${ratio.padStart(13)}   ${`${r.firstTenthMs.toFixed(1)} .. ${r.lastTenthMs.toFixed(1)}`.padStart(24)}   ${outcomes}`,
      );
    }
    console.log('\ntargets: >= 5,000 events/s at batch 1,000; batched >= 20x per-event');
  } finally {
    await stack.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
