import neo4j, { type Driver, Neo4jError, type QueryResult, type Transaction } from 'neo4j-driver';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cypherRoot } from './cypher-registry';
import { recordToObject } from './neo4j-values';
import { PlanWarmUp } from './plan-warm-up';

export type Params = Record<string, unknown>;

/** The one way repositories run Cypher inside a transaction: rows come back as plain objects. */
export type Tx = { rows<T>(query: string, params?: Params): Promise<T[]> };
/** A transaction, or reads outside one. */
export type Reader = Pick<Tx, 'rows'>;

export type QueryListener = (query: string, elapsedMs: number) => void;

/** Told when Neo4j goes away, and when it answers again (with what the warm-up planned, and how long it took). */
export type AvailabilityListener = (change: { available: false } | { available: true; downMs: number; warmedQueries: number; warmUpMs: number }) => void;

/** Thrown by a unit of work that saw the graph change under it; the whole transaction is run again. */
export class RetryableConflict extends Error {}

/** Neo4j is known to be unreachable: requests fail at once instead of each waiting out connection retries. */
export class DatabaseUnavailable extends Error {
  constructor(since: number) {
    super(`Neo4j unreachable since ${new Date(since).toISOString()}`);
  }
}

/** Neo4j never answered within the start-up wait: the message names the address and the reason, in one line. */
export class DatabaseUnreachable extends Error {
  constructor(uri: string, waitedMs: number, error: unknown) {
    const message = (error as Error).message ?? String(error);
    // The driver's message is a paragraph of advice ending in the actual reason.
    const reason = message.includes('Caused by: ') ? message.slice(message.lastIndexOf('Caused by: ') + 'Caused by: '.length) : message;
    super(`Neo4j at ${uri} did not answer within ${Math.round(waitedMs / 1000)} s (${reason.split('\n')[0]}): start it, or set NEO4J_URI to a running Neo4j`);
  }
}

/**
 * Neo4j is away: the server cannot be reached, or it answers but the database is not available (starting, or
 * recovering after a crash). Requests then fail fast until a probe finds it back; retrying them would only hold them.
 */
const OUTAGE_CODES = new Set(['ServiceUnavailable', 'SessionExpired', 'Neo.TransientError.General.DatabaseUnavailable']);
const isOutage = (error: unknown) => error instanceof Neo4jError && OUTAGE_CODES.has(error.code);
const PROBE_INTERVAL_MS = 500;
const PING = readFileSync(path.join(cypherRoot, 'health', 'ping.cypher'), 'utf8');

/** A write transaction is tried at most this often, and retried only within this time (then the client retries). */
const MAX_ATTEMPTS = 8;
const MAX_RETRY_MS = 5_000;

/** Still failing after the retries: contention or a database briefly away; the caller may safely try again. */
export function isTemporaryFailure(error: unknown): boolean {
  return error instanceof DatabaseUnavailable || isRetryableConflict(error) || (error instanceof Neo4jError && error.retryable);
}

function isRetryableConflict(error: unknown): boolean {
  if (error instanceof RetryableConflict) return true;
  // A concurrent writer created the same unique key first: re-reading the graph resolves it.
  return error instanceof Neo4jError && error.code === 'Neo.ClientError.Schema.ConstraintValidationFailed';
}

/** Contention (a deadlock, a lock timeout, a unique-key race) is retried here; an outage is not (see OUTAGE_CODES). */
const worthRetrying = (error: unknown) => isRetryableConflict(error) || (error instanceof Neo4jError && error.retryable && !isOutage(error));

export class Database {
  private readonly listeners = new Set<QueryListener>();
  private readonly availabilityListeners = new Set<AvailabilityListener>();
  private readonly warmUp = new PlanWarmUp();
  private unavailableSince: number | null = null;
  private probe: NodeJS.Timeout | undefined;

  constructor(
    readonly driver: Driver,
    private readonly database: string,
    private readonly uri = 'the configured address',
  ) {}

  static connect(uri: string, user: string, password: string | undefined, database: string): Database {
    // No password: the server runs without auth (the embedded launcher), so send none.
    const auth = password ? neo4j.auth.basic(user, password) : undefined;
    const driver = neo4j.driver(uri, auth, {
      disableLosslessIntegers: true,
      maxConnectionPoolSize: 64,
      // Short, so that when Neo4j goes away the first request learns it in seconds, and the rest at once.
      connectionTimeout: 3_000,
      connectionAcquisitionTimeout: 5_000,
      // The driver's managed transactions would retry a lost server for this long, holding the request (a write
      // took 12 s in an outage): `write` runs its own transactions and retries contention, never an outage.
      maxTransactionRetryTime: 0,
    });
    return new Database(driver, database, uri);
  }

  /** Waits until the database answers, so start-up fails with a clear message instead of on the first request. */
  async waitUntilReachable(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await this.ping();
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new DatabaseUnreachable(this.uri, timeoutMs, error);
        await sleep(250);
      }
    }
  }

  /** False from the first connectivity failure until a background probe reaches Neo4j again. */
  get available(): boolean {
    return this.unavailableSince === null;
  }

  /**
   * Runs a query in the database: a Bolt handshake alone (getServerInfo) succeeds while the database still recovers,
   * and requests let through then waited for it (the first read after a restart took 15 s).
   */
  async ping(): Promise<void> {
    const session = this.driver.session({ database: this.database, defaultAccessMode: neo4j.session.READ });
    try {
      await session.run(PING);
    } finally {
      await session.close();
    }
  }

  onQuery(listener: QueryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onAvailability(listener: AvailabilityListener): () => void {
    this.availabilityListeners.add(listener);
    return () => this.availabilityListeners.delete(listener);
  }

  /**
   * One read statement, as an auto-commit query: RUN and PULL go out in one write, where a managed transaction
   * adds a BEGIN and a COMMIT, each a round trip and a socket write (measured as a fifth of a profile read's CPU).
   * Nothing is retried: a transient failure reaches the client as a temporary one, to try again.
   */
  async read<T>(query: string, params: Params = {}): Promise<T[]> {
    this.failFastWhileUnavailable();
    const session = this.driver.session({ database: this.database, defaultAccessMode: neo4j.session.READ });
    try {
      return await this.rowsOf<T>(query, params, () => session.run(query, params));
    } catch (error) {
      this.noteFailure(error);
      throw error;
    } finally {
      await session.close();
    }
  }

  /**
   * Runs `work` in one write transaction. Contention (deadlocks, lock timeouts, unique-key races, RetryableConflict)
   * is retried by this loop, with a fresh transaction that re-reads the graph, for at most MAX_RETRY_MS; an outage
   * fails at once, as a temporary failure the client retries.
   */
  async write<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const deadline = Date.now() + MAX_RETRY_MS;
    for (let attempt = 1; ; attempt++) {
      this.failFastWhileUnavailable();
      const session = this.driver.session({ database: this.database, defaultAccessMode: neo4j.session.WRITE });
      try {
        return await this.inTransaction(session.beginTransaction(), work);
      } catch (error) {
        this.noteFailure(error);
        if (!worthRetrying(error) || attempt >= MAX_ATTEMPTS || Date.now() > deadline) throw error;
        // Jittered and growing, so that writers who collided do not collide again.
        await sleep(Math.random() * Math.min(25 * 2 ** attempt, 1_000));
      } finally {
        await session.close();
      }
    }
  }

  async close(): Promise<void> {
    clearTimeout(this.probe);
    await this.driver.close();
  }

  private failFastWhileUnavailable() {
    if (this.unavailableSince !== null) throw new DatabaseUnavailable(this.unavailableSince);
  }

  /** On a connectivity failure, flip to unavailable and probe in the background until Neo4j answers again. */
  private noteFailure(error: unknown) {
    if (!isOutage(error) || this.unavailableSince !== null) return;
    const since = Date.now();
    this.unavailableSince = since;
    for (const listener of this.availabilityListeners) listener({ available: false });
    const tick = async () => {
      try {
        await this.ping();
      } catch {
        this.probe = setTimeout(() => void tick(), PROBE_INTERVAL_MS).unref();
        return;
      }
      const warmUpStarted = Date.now();
      // Requests stay refused until the queries they need are planned again (see PlanWarmUp).
      const warmedQueries = await this.warmUp.run(this.driver, this.database);
      this.unavailableSince = null;
      const change = { available: true as const, downMs: Date.now() - since, warmedQueries, warmUpMs: Date.now() - warmUpStarted };
      for (const listener of this.availabilityListeners) listener(change);
    };
    this.probe = setTimeout(() => void tick(), PROBE_INTERVAL_MS).unref();
  }

  private async inTransaction<T>(tx: Transaction, work: (tx: Tx) => Promise<T>): Promise<T> {
    try {
      const result = await work(this.wrap(tx));
      await tx.commit();
      return result;
    } catch (error) {
      if (tx.isOpen()) await tx.rollback().catch(() => undefined);
      throw error;
    }
  }

  private wrap(tx: Transaction): Tx {
    return { rows: <T>(query: string, params: Params = {}) => this.rowsOf<T>(query, params, () => tx.run(query, params)) };
  }

  private async rowsOf<T>(query: string, params: Params, run: () => Promise<QueryResult>): Promise<T[]> {
    const started = performance.now();
    const result = await run();
    const elapsed = performance.now() - started;
    this.warmUp.remember(query, params);
    for (const listener of this.listeners) listener(query, elapsed);
    return result.records.map((record) => recordToObject<T>(record));
  }
}
