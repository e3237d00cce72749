import { randomUUID } from 'node:crypto';
import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import type { Database } from '../infra/neo4j/database';
import type { Logger } from '../observability/logger';
import { JobLeases } from './job-lease';

export type JobSpec = {
  /** Names the job in logs and, with a lease, its (:JobLease) node: the same name on every instance. */
  name: string;
  /** The wait from the end of one tick to the start of the next, and after a failed tick. */
  intervalMs: number;
  tick(): Promise<unknown>;
  /** After a tick that succeeded: milliseconds until the next one is due, instead of `intervalMs`. */
  next?(): Promise<number>;
  /** The first tick at once (`started` resolves when it is over), not one interval later. */
  runAtStart?: boolean;
  /**
   * One instance ticks at a time: a tick first takes the job's lease (on the database's clock), renews it every
   * third of `seconds` while it runs, and gives it back at its end. A tick that finds another's live lease is
   * skipped; the lease of an instance that died lapses after `seconds` and the next instance's tick takes it over.
   */
  lease?: { seconds: number };
  /** What a failed tick is logged as (with the error); the next tick tries again. */
  failure?: { message: string; level?: 'warn' | 'error' };
};

export type ScheduledJob = {
  readonly name: string;
  /** Resolves when the first tick is over (a `runAtStart` job), at once otherwise. Never rejects. */
  readonly started: Promise<void>;
  /** Runs a tick now, or waits for the one running; the next is planned from its end. */
  tickNow(): Promise<void>;
  /** No more ticks; resolves once the tick in progress (if any) is over. */
  stop(): Promise<void>;
};

/**
 * The background loops of one instance: each job ticks on a timer that never keeps the process alive, never
 * overlaps itself, logs a failure and tries again on the next tick, and stops by waiting for the tick in progress.
 * Work that must survive a crash keeps its progress in the database and is found again by a tick (a lapsed lease).
 */
export class JobRunner {
  /** This instance, as the holder of the leases it takes (job leases, and the per-item leases domains keep). */
  readonly holder: string;
  private readonly leases: JobLeases;
  private readonly jobs = new Set<ScheduledJob>();

  constructor(
    db: Database,
    registry: CypherRegistry,
    private readonly logger: Logger,
    holder: string = randomUUID(),
  ) {
    this.holder = holder;
    this.leases = new JobLeases(db, registry);
  }

  /** Starts the job's timer (and its first tick, with `runAtStart`). */
  schedule(spec: JobSpec): ScheduledJob {
    const job = new Job(spec, this.leases, this.holder, this.logger);
    this.jobs.add(job);
    return job;
  }

  /** Stops every job, waiting for the ticks in progress. */
  async stop(): Promise<void> {
    await Promise.all([...this.jobs].map((job) => job.stop()));
  }
}

class Job implements ScheduledJob {
  readonly started: Promise<void>;
  private timer?: NodeJS.Timeout;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly spec: JobSpec,
    private readonly leases: JobLeases,
    private readonly holder: string,
    private readonly logger: Logger,
  ) {
    if (spec.runAtStart) {
      this.started = this.tickNow();
    } else {
      this.plan(spec.intervalMs);
      this.started = Promise.resolve();
    }
  }

  get name(): string {
    return this.spec.name;
  }

  tickNow(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) return this.running;
    clearTimeout(this.timer);
    this.running = this.once().then((delay) => {
      this.running = null;
      this.plan(delay);
    });
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private plan(delayMs: number) {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tickNow(), Math.max(0, delayMs)).unref();
  }

  /** One tick; never throws. Resolves to the wait before the next. */
  private async once(): Promise<number> {
    const { spec } = this;
    try {
      if (!spec.lease) {
        await spec.tick();
      } else if (!(await this.leased(spec.lease.seconds * 1000))) {
        return spec.intervalMs;
      }
      return spec.next ? await spec.next() : spec.intervalMs;
    } catch (error) {
      const { message = `background job ${spec.name} failed; the next tick tries again`, level = 'warn' } = spec.failure ?? {};
      this.logger[level]({ err: error, job: spec.name }, message);
      return spec.intervalMs;
    }
  }

  /** The tick under the job's lease; false when another instance holds it. */
  private async leased(leaseMs: number): Promise<boolean> {
    const { name } = this.spec;
    if (!(await this.leases.take(name, this.holder, leaseMs))) return false;
    const heartbeat = setInterval(() => {
      this.leases
        .renew(name, this.holder, leaseMs)
        .then((held) => held || this.logger.warn({ job: name }, 'background job lost its lease (it lapsed): another instance may run it too'))
        .catch((error: unknown) => this.logger.warn({ err: error, job: name }, 'could not renew a background job lease'));
    }, leaseMs / 3).unref();
    try {
      await this.spec.tick();
    } finally {
      clearInterval(heartbeat);
      await this.leases.release(name, this.holder).catch((error: unknown) => this.logger.warn({ err: error, job: name }, 'could not release a background job lease; it lapses'));
    }
    return true;
  }
}
