import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per app instance, so tests that build several apps never share counters. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    ingested: new Counter({
      name: 'c360_ingested_total',
      help: 'Events and source records ingested, by kind and outcome',
      labelNames: ['kind', 'outcome'] as const,
      registers: [registry],
    }),
    identifiersDropped: new Counter({
      name: 'c360_identifiers_dropped_total',
      help: 'Identifier values dropped before resolution, by type and reason (BLOCKED, INVALID)',
      labelNames: ['type', 'reason'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
