import type { Client } from 'graphql-ws';

export type Subscriber = {
  /** Each event's data, in arrival order. */
  events: any[];
  /** Resolves once `count` events arrived; rejects if the subscription fails or ends first. */
  received(count: number): Promise<any[]>;
  /** Resolves with what the server answered instead of events (GraphQL errors, or a close event). */
  failure(): Promise<unknown>;
  stop(): void;
};

/** One subscription over graphql-ws that keeps every event, for tests that await a number of them. */
export function subscribe(client: Client, query: string, variables?: Record<string, unknown>): Subscriber {
  const events: any[] = [];
  let failed: unknown = undefined;
  let ended = false;
  const waiters = new Set<() => void>();
  const wake = () => waiters.forEach((waiter) => waiter());
  const stop = client.subscribe(
    { query, variables },
    {
      next: (result) => {
        if (result.errors?.length) failed = result.errors;
        else events.push(result.data);
        wake();
      },
      error: (error) => {
        failed = error;
        wake();
      },
      complete: () => {
        ended = true;
        wake();
      },
    },
  );
  const until = <T>(ready: () => T | undefined) =>
    new Promise<T>((resolve, reject) => {
      const check = () => {
        let value: T | undefined;
        try {
          value = ready();
        } catch (error) {
          waiters.delete(check);
          return reject(error);
        }
        if (value === undefined) return;
        waiters.delete(check);
        resolve(value);
      };
      waiters.add(check);
      check();
    });
  return {
    events,
    received: (count) =>
      until(() => {
        if (events.length >= count) return events.slice(0, count);
        if (failed !== undefined) throw new Error(`subscription failed after ${events.length} events: ${JSON.stringify(failed)}`);
        if (ended) throw new Error(`subscription ended after ${events.length} of ${count} events`);
        return undefined;
      }),
    failure: () => until(() => failed ?? (ended ? new Error('ended without failing') : undefined)),
    stop,
  };
}
