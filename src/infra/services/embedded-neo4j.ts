import { setTimeout as sleep } from 'node:timers/promises';
import {
  claimNeo4j,
  findPublishedNeo4j,
  isAlive,
  publishNeo4j,
  readAddressFile,
  removeStaleAddressFile,
  withdrawNeo4j,
  type PublishedNeo4j,
} from '../neo4j/neo4j-address-file';
import { LocalNeo4jStartError, startLocalNeo4j, type LocalNeo4jOptions } from '../neo4j/neo4j-local-launcher';
import { freePort, type ManagedProcess, type ProcessExit } from './managed-process';

export type SupervisorLog = { info(message: string): void; warn(message: string): void };

/** How often a process using another's Neo4j checks that its owner still runs. */
const OWNER_CHECK_INTERVAL_MS = 1_000;
const RESTART_BACKOFF_MS = { first: 1_000, max: 30_000 };
/** A child that ran this long was healthy: its next failure starts the backoff over. */
const HEALTHY_AFTER_MS = 60_000;
/** A killed owner's Java process stops on its own (its stdin closed) but holds the store lock until it has. */
const LEFTOVER_EXIT_WAIT_MS = 60_000;

/**
 * The embedded Neo4j of one data directory, kept available at one Bolt address for as long as this process needs it.
 * If another process runs it already (its address is published beside the directory), this one uses it, and takes it
 * over on the same port when that process goes. Otherwise this one starts it, publishes its address, and restarts it
 * with backoff whenever it dies, so the driver (which keeps the address) reconnects without a restart of the API.
 */
export class EmbeddedNeo4j {
  private child: ManagedProcess | null = null;
  private borrowed: PublishedNeo4j | null = null;
  private recovering: Promise<void> | null = null;
  private readonly stopping = new AbortController();
  private ownerCheck: NodeJS.Timeout | undefined;
  private failures = 0;
  private uriOnceAcquired: string | null = null;

  private constructor(
    private readonly options: LocalNeo4jOptions,
    private readonly log: SupervisorLog,
  ) {}

  static async start(options: LocalNeo4jOptions, log: SupervisorLog): Promise<EmbeddedNeo4j> {
    const neo4j = new EmbeddedNeo4j(options, log);
    await neo4j.acquire();
    neo4j.ownerCheck = setInterval(() => neo4j.checkOwner(), OWNER_CHECK_INTERVAL_MS).unref();
    process.once('exit', () => withdrawNeo4j(options.dataDir, process.pid));
    return neo4j;
  }

  get uri(): string {
    return this.uriOnceAcquired!;
  }

  /** The Java process, for benchmarks that read its CPU time; it changes when Neo4j is restarted. */
  get pid(): number | undefined {
    return this.child?.pid ?? this.borrowed?.neo4jPid ?? undefined;
  }

  /** Run by another process, which this one only uses. */
  get shared(): boolean {
    return this.borrowed !== null;
  }

  /** Stops supervising; stops Neo4j only if this process runs it (a process using another's leaves it running). */
  async stop(): Promise<void> {
    this.stopping.abort();
    clearInterval(this.ownerCheck);
    await this.recovering;
    if (!this.child) return;
    withdrawNeo4j(this.options.dataDir, process.pid);
    const child = this.child;
    this.child = null;
    await child.stop();
  }

  private get stopped() {
    return this.stopping.signal.aborted;
  }

  /** Uses the published Neo4j if its owner runs; else claims the directory and starts it. */
  private async acquire(): Promise<void> {
    const { dataDir } = this.options;
    for (;;) {
      const running = findPublishedNeo4j(dataDir);
      if (running && running.ownerPid !== process.pid) return this.borrow(running);
      if (running?.ownerPid === process.pid) return this.startOwn();
      await this.waitForLeftover(readAddressFile(dataDir)?.neo4jPid ?? this.borrowed?.neo4jPid ?? null);
      removeStaleAddressFile(dataDir);
      const port = this.uriOnceAcquired ? Number(new URL(this.uriOnceAcquired).port) : (this.options.port ?? (await freePort()));
      if (claimNeo4j(dataDir, { uri: `bolt://127.0.0.1:${port}`, ownerPid: process.pid, neo4jPid: null })) {
        try {
          return await this.startOwn();
        } catch (error) {
          // Lost a race for the store lock to a process that published its claim after this one looked.
          const winner = findPublishedNeo4j(dataDir);
          if (error instanceof LocalNeo4jStartError && error.dataDirLocked && winner && winner.ownerPid !== process.pid) return this.borrow(winner);
          throw error;
        }
      }
      // Another process claimed it between the look and the claim: use that one.
    }
  }

  private borrow(running: PublishedNeo4j): void {
    if (this.uriOnceAcquired && running.uri !== this.uriOnceAcquired) {
      throw new Error(`Neo4j on ${this.options.dataDir} now runs at ${running.uri}, not at ${this.uriOnceAcquired} where this process connects: restart it`);
    }
    if (!this.borrowed) this.log.info(`Using the embedded Neo4j that process ${running.ownerPid} runs on ${this.options.dataDir} (${running.uri})`);
    this.borrowed = running;
    this.uriOnceAcquired = running.uri;
  }

  /** Starts Java on the claimed address; the claim is withdrawn if it fails, so that nobody waits for it. */
  private async startOwn(): Promise<void> {
    const { dataDir } = this.options;
    const { uri } = readAddressFile(dataDir)!;
    let started;
    try {
      started = await startLocalNeo4j({ ...this.options, port: Number(new URL(uri).port) });
    } catch (error) {
      withdrawNeo4j(dataDir, process.pid);
      throw error;
    }
    const child = started.process;
    if (this.stopped) {
      withdrawNeo4j(dataDir, process.pid);
      await child.stop();
      return;
    }
    publishNeo4j(dataDir, { uri, ownerPid: process.pid, neo4jPid: child.pid });
    this.child = child;
    this.borrowed = null;
    this.uriOnceAcquired = uri;
    const startedAt = Date.now();
    void child.exited.then((exit) => this.onChildExit(child, exit, startedAt));
  }

  private onChildExit(child: ManagedProcess, exit: ProcessExit, startedAt: number) {
    if (this.stopped || this.child !== child) return;
    this.child = null;
    if (Date.now() - startedAt >= HEALTHY_AFTER_MS) this.failures = 0;
    this.log.warn(`Neo4j (embedded, pid ${child.pid}) exited unexpectedly (code ${exit.code}, signal ${exit.signal}): restarting it`);
    this.recover('restarted');
  }

  /** A process using another's Neo4j takes it over when that process is gone (stopped, or killed). */
  private checkOwner() {
    if (!this.borrowed || this.recovering || this.stopped) return;
    const current = readAddressFile(this.options.dataDir);
    if (current && current.ownerPid === this.borrowed.ownerPid && isAlive(current.ownerPid)) {
      // Its owner restarted it: a new Java process, the same address.
      this.borrowed = current;
      return;
    }
    this.log.warn(`The process that ran Neo4j (pid ${this.borrowed.ownerPid}) is gone: taking Neo4j over at ${this.uri}`);
    this.recover('taken over');
  }

  private recover(done: string) {
    this.recovering ??= (async () => {
      while (!this.stopped) {
        const delay = Math.min(RESTART_BACKOFF_MS.first * 2 ** this.failures, RESTART_BACKOFF_MS.max);
        this.failures += 1;
        await sleep(delay, undefined, { signal: this.stopping.signal }).catch(() => undefined);
        if (this.stopped) return;
        try {
          await this.acquire();
          this.log.info(this.borrowed ? `Neo4j is back, run by process ${this.borrowed.ownerPid} (${this.uri})` : `Neo4j (embedded) ${done} at ${this.uri}`);
          return;
        } catch (error) {
          const next = Math.min(RESTART_BACKOFF_MS.first * 2 ** this.failures, RESTART_BACKOFF_MS.max);
          this.log.warn(`Neo4j (embedded) could not be ${done}: ${(error as Error).message.split('\n')[0]}; trying again in ${next / 1000} s`);
        }
      }
    })().finally(() => {
      this.recovering = null;
    });
  }

  private async waitForLeftover(pid: number | null) {
    if (pid === null || pid === this.child?.pid) return;
    const deadline = Date.now() + LEFTOVER_EXIT_WAIT_MS;
    while (isAlive(pid) && Date.now() < deadline && !this.stopped) await sleep(200);
  }
}
