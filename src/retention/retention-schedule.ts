import type { Logger } from '../observability/logger';
import type { RetentionJob } from './retention-job';

/**
 * Runs the job every `intervalMinutes` in the app process. One run at a time; a failed run is logged and the
 * next one tries again. The timer never keeps the process alive, and stop() waits for a run in progress.
 */
export function scheduleRetention(job: RetentionJob, intervalMinutes: number, logger: Logger): { stop(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  const tick = () => {
    if (running) return;
    running = job
      .run()
      .catch((error: unknown) => logger.error({ err: error }, 'retention run failed; the next run tries again'))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, intervalMinutes * 60_000).unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
