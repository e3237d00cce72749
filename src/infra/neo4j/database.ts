import neo4j, { type Driver, type ManagedTransaction, Neo4jError, type QueryResult } from 'neo4j-driver';
import { setTimeout as sleep } from 'node:timers/promises';
import { recordToObject } from './neo4j-values';

export type Params = Record<string, unknown>;

/** The one way repositories run Cypher inside a transaction: rows come back as plain objects. */
export type Tx = { rows<T>(query: string, params?: Params): Promise<T[]> };

export type QueryListener = (query: string, elapsedMs: number) => void;

/** Thrown by a unit of work that saw the graph change under it; the whole transaction is run again. */
export class RetryableConflict extends Error {}

/** Neo4j is known to be unreachable: requests fail at once instead of each waiting out connection retries. */
export class DatabaseUnavailable extends Error {
  constructor(since: number) {
    super(`Neo4j unreachable since ${new Date(since).toISOString()}`);
  }
}

const CONNECTIVITY_CODES = new Set(['ServiceUnavailable', 'SessionExpired']);
const isConnectivityError = (error: unknown) => error instanceof Neo4jError && CONNECTIVITY_CODES.has(error.code);
const PROBE_INTERVAL_MS = 500;

const MAX_ATTEMPTS = 8;

/** Still failing after the retries: contention or a database briefly away; the caller may safely try again. */
export function isTemporaryFailure(error: unknown): boolean {
  return error instanceof DatabaseUnavailable || isRetryableConflict(error) || (error instanceof Neo4jError && error.retryable);
}

function isRetryableConflict(error: unknown): boolean {
  if (error instanceof RetryableConflict) return true;
  // A concurrent writer created the same unique key first: re-reading the graph resolves it.
  return error instanceof Neo4jError && error.code === 'Neo.ClientError.Schema.ConstraintValidationFailed';
}

export class Database {
  private readonly listeners = new Set<QueryListener>();
  private unavailableSince: number | null = null;
  private probe: NodeJS.Timeout | undefined;

  constructor(
    readonly driver: Driver,
    private readonly database: string,
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
      maxTransactionRetryTime: 5_000,
    });
    return new Database(driver, database);
  }

  /** Waits until the server answers, so start-up fails with a clear message instead of on the first request. */
  async waitUntilReachable(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await this.driver.getServerInfo({ database: this.database });
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`Neo4j did not answer within ${timeoutMs} ms: ${(error as Error).message}`);
        await sleep(250);
      }
    }
  }

  /** False from the first connectivity failure until a background probe reaches Neo4j again. */
  get available(): boolean {
    return this.unavailableSince === null;
  }

  onQuery(listener: QueryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
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
      return await this.rowsOf<T>(query, () => session.run(query, params));
    } catch (error) {
      this.noteFailure(error);
      throw error;
    } finally {
      await session.close();
    }
  }

  /**
   * Runs `work` in one write transaction. Transient errors (deadlocks, leader changes) are retried by the driver;
   * unique-key races and RetryableConflict by this loop, with a fresh transaction that re-reads the graph.
   */
  async write<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      this.failFastWhileUnavailable();
      const session = this.driver.session({ database: this.database, defaultAccessMode: neo4j.session.WRITE });
      try {
        return await session.executeWrite((tx) => work(this.wrap(tx)));
      } catch (error) {
        this.noteFailure(error);
        if (!isRetryableConflict(error) || attempt >= MAX_ATTEMPTS) throw error;
        await sleep(Math.random() * 20 * attempt);
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
    if (!isConnectivityError(error) || this.unavailableSince !== null) return;
    this.unavailableSince = Date.now();
    const tick = async () => {
      try {
        await this.driver.getServerInfo({ database: this.database });
        this.unavailableSince = null;
      } catch {
        this.probe = setTimeout(() => void tick(), PROBE_INTERVAL_MS).unref();
      }
    };
    this.probe = setTimeout(() => void tick(), PROBE_INTERVAL_MS).unref();
  }

  private wrap(tx: ManagedTransaction): Tx {
    return { rows: <T>(query: string, params: Params = {}) => this.rowsOf<T>(query, () => tx.run(query, params)) };
  }

  private async rowsOf<T>(query: string, run: () => Promise<QueryResult>): Promise<T[]> {
    const started = performance.now();
    const result = await run();
    const elapsed = performance.now() - started;
    for (const listener of this.listeners) listener(query, elapsed);
    return result.records.map((record) => recordToObject<T>(record));
  }
}
