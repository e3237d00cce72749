import type { Logger } from '../../observability/logger';

export type Started = { name: string; stop: () => Promise<void> };

/**
 * A process that starts services in order (Neo4j, the driver, the app...) and stops them in reverse: on SIGINT or
 * SIGTERM at any stage, even mid-start, or when starting fails. `start` registers each service as it comes up.
 */
export async function runUntilSignalled(logger: Logger, start: (started: (service: Started) => void) => Promise<void>): Promise<void> {
  const started: Started[] = [];
  const stopAll = async () => {
    for (const { name, stop } of started.reverse()) {
      await stop().catch((error: unknown) => logger.error({ err: error }, `could not stop ${name} cleanly`));
    }
  };
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await stopAll();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    await start((service) => started.push(service));
  } catch (error) {
    if (stopping) return;
    await stopAll();
    throw error;
  }
}
