import { loadConfig, type Config } from '../../config/config';
import type { Database } from '../neo4j/database';
import { exitWithFailure, startDatabase, UsageError, type Started } from './process-lifecycle';
import { createLogger, type Logger } from '../../observability/logger';

/** What a command needs started for its work: the database (NEO4J_URI, the embedded Neo4j...), or nothing. */
export type Needs = 'none' | 'database';

/** What `run` is given: its configuration and logger once configured, and where to register what it starts. */
export type CommandScope = {
  /** Takes the configuration (by default `loadConfig()`, from the environment) and makes the logger it asks for. */
  configure(config?: Config): { config: Config; logger: Logger };
  /** `stop` runs when the command ends (a serving one: when it is signalled), after what was started later. */
  started(service: Started): void;
};

/** With `needs: 'database'`: Neo4j as configured and a reachable driver, stopped when the command ends. */
export type DatabaseScope = CommandScope & { database(): Promise<Database> };

export type Command<N extends Needs> = {
  needs: N;
  /**
   * `done` (the default): the command ends when `run` settles, what it started stopped in reverse order, with the
   * exit code `run` returns (without one, Node exits when nothing is left to do). `signalled`: it serves until
   * SIGINT or SIGTERM, then stops everything and exits 0.
   */
  until?: 'done' | 'signalled';
  /** How a failure ends the process; by default exit code 1, an explained failure in one line, a defect with its stack. */
  failure?: {
    code?: number;
    /** `message`: only the error's message, whatever the error. */
    report?: 'explained' | 'message';
    /** Printed after the message of a UsageError. */
    usage?: string;
  };
  run(scope: N extends 'database' ? DatabaseScope : CommandScope): Promise<number | void>;
};

/**
 * The bootstrap of every `*.command.ts` and of the API: configuration and logger, the database if the command needs
 * one, stopping what was started (on success, failure or signal), the exit code, and how a failure is reported.
 */
export function runCommand<N extends Needs>(command: Command<N>): void {
  const services: Started[] = [];
  let configured: { config: Config; logger: Logger } | undefined;
  const serving = command.until === 'signalled';
  const run = command.run as (scope: DatabaseScope) => Promise<number | void>;
  const scope: DatabaseScope = {
    configure(config = loadConfig()) {
      configured ??= { config, logger: createLogger(config.logLevel) };
      return configured;
    },
    started: (service) => void services.push(service),
    database() {
      if (command.needs !== 'database') throw new Error("runCommand: a command that uses the database declares needs: 'database'");
      const { config, logger } = configured ?? scope.configure();
      return startDatabase(config, logger, scope.started, { watch: serving });
    },
  };
  /** Stops every service, the last started first; returns the first failure to stop. */
  const stopAll = async (): Promise<{ error: unknown } | undefined> => {
    let failed: { error: unknown } | undefined;
    for (const { name, stop } of services.splice(0).reverse()) {
      await stop().catch((error: unknown) => {
        failed ??= { error };
        if (serving) configured?.logger.error({ err: error }, `could not stop ${name} cleanly`);
      });
    }
    return failed;
  };
  const fail = (error: unknown): never => {
    const { code = 1, report = 'explained', usage } = command.failure ?? {};
    if (report === 'explained') exitWithFailure(error, code, usage);
    console.error((error as Error).message);
    if (usage && error instanceof UsageError) console.error(`\n${usage}`);
    process.exit(code);
  };

  if (serving) {
    let stopping = false;
    const shutdown = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      configured?.logger.info({ signal }, 'shutting down');
      await stopAll();
      configured?.logger.info('stopped');
      process.exit(0);
    };
    process.on('SIGINT', () => void shutdown('SIGINT'));
    process.on('SIGTERM', () => void shutdown('SIGTERM'));
    void (async () => {
      try {
        await run(scope);
      } catch (error) {
        // A signal mid-start stops everything and exits 0; a failure to start stops what did start, then fails.
        if (stopping) return;
        await stopAll();
        throw error;
      }
    })().catch(fail);
    return;
  }

  void (async () => {
    let code: number | void;
    try {
      code = await run(scope);
    } catch (error) {
      await stopAll();
      throw error;
    }
    const failedToStop = await stopAll();
    if (failedToStop) throw failedToStop.error;
    if (typeof code === 'number') process.exit(code);
  })().catch(fail);
}
