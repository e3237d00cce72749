import pino from 'pino';
import { CypherRegistry } from '../../src/infra/neo4j/cypher-registry';
import { Database } from '../../src/infra/neo4j/database';
import { JobLeases } from '../../src/jobs/job-lease';
import { JobRunner, type JobSpec } from '../../src/jobs/job-runner';
import { unique } from '../support/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  for (const deadline = Date.now() + timeoutMs; !(await condition()); await sleep(20)) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
  }
}

const gates: { openForGood(): void }[] = [];

/** A tick that stays in progress until released, counting how many run at once (across instances too). */
function gatedTicks() {
  const state = { started: 0, finished: 0, inTick: 0, mostAtOnce: 0 };
  let open!: () => void;
  let gate = new Promise<void>((resolve) => (open = resolve));
  const ticks = {
    state,
    tick: async () => {
      state.started++;
      state.mostAtOnce = Math.max(state.mostAtOnce, ++state.inTick);
      try {
        await gate;
      } finally {
        state.inTick--;
        state.finished++;
      }
    },
    release() {
      open();
      gate = new Promise<void>((resolve) => (open = resolve));
    },
    openForGood() {
      open();
      gate = Promise.resolve();
    },
  };
  gates.push(ticks);
  return ticks;
}

describe('the background-job runner', () => {
  let db: Database;
  const registry = new CypherRegistry();
  const lines: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
  const runners: JobRunner[] = [];
  const runner = (holder?: string) => {
    const created = new JobRunner(db, registry, logger, holder);
    runners.push(created);
    return created;
  };
  const leaseOf = async (job: string) =>
    (
      await db.read<{ holder: string | null; tookOverFrom: string | null; leftMs: number | null }>(
        `MATCH (l:JobLease {job: $job})
         RETURN l.holder AS holder, l.tookOverFrom AS tookOverFrom,
                duration.inSeconds(datetime(), l.until).milliseconds AS leftMs`,
        { job },
      )
    )[0];

  beforeAll(() => {
    db = Database.connect(process.env.NEO4J_URI!, process.env.NEO4J_USER ?? 'neo4j', process.env.NEO4J_PASSWORD, 'neo4j');
  });
  afterEach(async () => {
    for (const gate of gates.splice(0)) gate.openForGood();
    await Promise.all(runners.splice(0).map((r) => r.stop()));
  });
  afterAll(() => db.close());

  it('takes a leased job on the database clock, renews it while the tick runs and gives it back at the end', async () => {
    const name = unique('job');
    const ticks = gatedTicks();
    const a = runner();
    // Leases of seconds, not milliseconds: a loaded test machine takes a while over a query.
    a.schedule({ name, intervalMs: 60_000, runAtStart: true, lease: { seconds: 6 }, tick: ticks.tick });
    await until(() => ticks.state.started === 1);
    // The lease runs from the database's now (not this process's): it ends at most six seconds after it.
    const taken = await leaseOf(name);
    expect(taken.holder).toBe(a.holder);
    expect(taken.leftMs).toBeGreaterThan(0);
    expect(taken.leftMs).toBeLessThanOrEqual(6_000);

    // Past the lease's first length the heartbeat has kept it: still held, still ahead of the database's now.
    await sleep(7_000);
    const renewed = await leaseOf(name);
    expect(renewed.holder).toBe(a.holder);
    expect(renewed.leftMs).toBeGreaterThan(0);

    ticks.release();
    await until(() => ticks.state.finished === 1);
    await until(async () => (await leaseOf(name)).holder === null);
  });

  it('skips a tick while another instance holds a live lease, and takes over once the lease has lapsed', async () => {
    const name = unique('job');
    // An instance took the lease and died: it never renews nor releases it.
    expect(await new JobLeases(db, registry).take(name, 'instance-that-died', 5_000)).toBe(true);
    const leasesSeen: Awaited<ReturnType<typeof leaseOf>>[] = [];
    const b = runner();
    const job = b.schedule({ name, intervalMs: 100, runAtStart: true, lease: { seconds: 5 }, tick: async () => void leasesSeen.push(await leaseOf(name)) });
    await job.started;
    expect(leasesSeen).toEqual([]);

    await until(() => leasesSeen.length > 0);
    expect(leasesSeen[0]).toMatchObject({ holder: b.holder, tookOverFrom: 'instance-that-died' });
  });

  it('never runs one leased job on two instances at once', async () => {
    const name = unique('job');
    const ticks = gatedTicks();
    const spec: JobSpec = { name, intervalMs: 50, runAtStart: true, lease: { seconds: 3 }, tick: ticks.tick };
    runner().schedule(spec);
    runner().schedule(spec);
    await until(() => ticks.state.started === 1);
    // Longer than the lease: the holder's heartbeat keeps the other instance out.
    await sleep(5_000);
    expect(ticks.state.started).toBe(1);
    ticks.openForGood();
    await until(() => ticks.state.finished >= 3);
    expect(ticks.state.mostAtOnce).toBe(1);
  });

  it('never overlaps its own ticks, even when a tick outlasts the interval or is asked for again', async () => {
    const ticks = gatedTicks();
    const job = runner().schedule({ name: unique('job'), intervalMs: 5, runAtStart: true, tick: ticks.tick });
    const again = job.tickNow();
    await sleep(100);
    expect(ticks.state.started).toBe(1);
    ticks.release();
    await again;
    await until(() => ticks.state.started === 2);
    ticks.openForGood();
    await until(() => ticks.state.finished >= 5);
    expect(ticks.state.mostAtOnce).toBe(1);
  });

  it('stop() waits for the tick in progress, and no tick follows', async () => {
    const ticks = gatedTicks();
    const jobs = runner();
    jobs.schedule({ name: unique('job'), intervalMs: 10, runAtStart: true, tick: ticks.tick });
    await until(() => ticks.state.started === 1);
    let stopped = false;
    const stopping = jobs.stop().then(() => (stopped = true));
    await sleep(100);
    expect(stopped).toBe(false);
    ticks.openForGood();
    await stopping;
    expect(ticks.state.finished).toBe(1);
    await sleep(100);
    expect(ticks.state.started).toBe(1);
  });

  it('logs a failed tick and tries again on the next one', async () => {
    const name = unique('job');
    let calls = 0;
    runner().schedule({
      name,
      intervalMs: 20,
      runAtStart: true,
      failure: { message: 'the test job failed' },
      tick: async () => {
        if (++calls === 1) throw new Error('first tick fails');
      },
    });
    await until(() => calls >= 2);
    const logged = lines.map((line) => JSON.parse(line)).find((entry) => entry.job === name);
    expect(logged).toMatchObject({ msg: 'the test job failed', err: { message: 'first tick fails' } });
  });

  it('plans the next tick from next() when the job says when it is due', async () => {
    let ticks = 0;
    runner().schedule({ name: unique('job'), intervalMs: 60_000, runAtStart: true, tick: async () => void ticks++, next: async () => 10 });
    await until(() => ticks >= 3);
  });

  it('keeps no timer that holds the process alive', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const before = timers();
    const jobs = runner();
    jobs.schedule({ name: unique('job'), intervalMs: 60_000, tick: async () => undefined });
    jobs.schedule({ name: unique('job'), intervalMs: 60_000, runAtStart: true, tick: async () => undefined });
    await sleep(50);
    expect(timers()).toBe(before);
  });
});
