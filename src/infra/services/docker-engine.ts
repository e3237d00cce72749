import type * as Testcontainers from 'testcontainers';

/**
 * testcontainers and its modules are development dependencies: a production install (`npm ci --omit=dev`) has none,
 * and uses NEO4J_URI / REDIS_URL (or the embedded launcher, redis-server). So they are loaded only here, on first need:
 * when no NEO4J_URI or REDIS_URL was given and a container is the next thing to try.
 */
async function loadDevModule<T>(name: string, load: () => Promise<T>): Promise<T | null> {
  try {
    return await load();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const missing = (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') && String((error as Error).message).includes(`'${name}'`);
    if (missing) return null;
    throw error;
  }
}

let answer: Promise<boolean> | undefined;

/** Whether testcontainers is installed and can reach a container engine; asked once per process. */
export function dockerEngineAnswers(): Promise<boolean> {
  answer ??= loadDevModule<typeof Testcontainers>('testcontainers', () => import('testcontainers')).then(
    (testcontainers) =>
      testcontainers?.getContainerRuntimeClient().then(
        () => true,
        () => false,
      ) ?? false,
  );
  return answer;
}
