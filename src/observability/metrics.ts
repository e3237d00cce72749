import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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
    requestDuration: new Histogram({
      name: 'c360_graphql_request_duration_seconds',
      help: 'GraphQL request latency by operation name and type',
      labelNames: ['operation', 'type'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    errors: new Counter({
      name: 'c360_graphql_errors_total',
      help: 'GraphQL errors returned, by extensions.code',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    neo4jQueryDuration: new Histogram({
      name: 'c360_neo4j_query_duration_seconds',
      help: 'Time of each Cypher statement, by its file name under cypher/',
      labelNames: ['query'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    }),
    identifiersDropped: new Counter({
      name: 'c360_identifiers_dropped_total',
      help: 'Identifier values dropped before resolution, by type and reason (BLOCKED, INVALID)',
      labelNames: ['type', 'reason'] as const,
      registers: [registry],
    }),
    limitRejections: new Counter({
      name: 'c360_limit_rejections_total',
      help: 'Requests refused by an abuse limit before anything ran, by limit and transport (http, ws)',
      labelNames: ['limit', 'transport'] as const,
      registers: [registry],
    }),
    auditWritten: new Counter({
      name: 'c360_audit_entries_written_total',
      help: 'Audit entries committed to the chain in Neo4j',
      registers: [registry],
    }),
    auditBuffered: new Gauge({
      name: 'c360_audit_buffered_entries',
      help: 'Audit entries recorded but not yet written (updated at each flush tick)',
      registers: [registry],
    }),
    auditFlushDuration: new Histogram({
      name: 'c360_audit_flush_duration_seconds',
      help: 'Time to write one batch of audit entries, lock of the chain head included',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    auditFlushFailures: new Counter({
      name: 'c360_audit_flush_failures_total',
      help: 'Batches of audit entries that could not be written (kept in the buffer and retried)',
      registers: [registry],
    }),
    auditCheckpointFailures: new Counter({
      name: 'c360_audit_checkpoint_failures_total',
      help: 'Signed checkpoints of the audit chain head that could not be written to their store (the log line has them)',
      registers: [registry],
    }),
    feedAppendFailures: new Counter({
      name: 'c360_feed_append_failures_total',
      help: 'Committed segment membership changes that could not be appended to the change feed (Redis unavailable)',
      registers: [registry],
    }),
    segmentMembershipChanges: new Counter({
      name: 'c360_segment_membership_changes_total',
      help: 'Segment membership changes appended to the feed, by change (ENTERED, EXITED)',
      labelNames: ['change'] as const,
      registers: [registry],
    }),
    suppressed: new Counter({
      name: 'c360_suppressed_total',
      help: 'Events and source records dropped because they carry only identifiers of erased people, by kind',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    erasures: new Counter({
      name: 'c360_erasures_total',
      help: 'Erasure runs finished, by final status (COMPLETED, FAILED)',
      labelNames: ['status'] as const,
      registers: [registry],
    }),
    streamAppended: new Counter({
      name: 'c360_stream_appended_total',
      help: 'Events appended to the ingest stream (Segment-spec endpoint and other producers)',
      registers: [registry],
    }),
    streamProcessed: new Counter({
      name: 'c360_stream_processed_total',
      help: 'Stream messages the worker resolved and acknowledged, by ingest outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    streamDeadLettered: new Counter({
      name: 'c360_stream_dead_lettered_total',
      help: 'Stream messages moved to the dead-letter stream, by reason (UNREADABLE, FAILED)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    streamClaimed: new Counter({
      name: 'c360_stream_claimed_total',
      help: 'Stream messages reclaimed from consumers idle too long (a crashed or stuck worker)',
      registers: [registry],
    }),
    streamBatchFailures: new Counter({
      name: 'c360_stream_batch_failures_total',
      help: 'Worker batches whose ingestion threw and were retried message by message',
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
