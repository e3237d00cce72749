import { z } from 'zod';
import { section, variable } from './declare';
import { booleanFlag, intBetween, positiveInt } from './values';

export const streaming = section(
  'Streaming ingestion',
  'With `REDIS_URL`, events accepted at `/v1` go to a Redis Stream that workers apply.',
  {
    streamKey: variable('INGEST_STREAM_KEY', z.string().min(1).default('c360:ingest:events'), 'the Redis Stream of identity events'),
    group: variable('INGEST_STREAM_GROUP', z.string().min(1).default('c360-ingest'), "the workers' consumer group"),
    deadLetterKey: variable('INGEST_DEAD_LETTER_STREAM', z.string().min(1).default('c360:ingest:dead'), 'where messages that keep failing go, with their reason'),
    // Unset: on whenever REDIS_URL is (events accepted at /v1 must be applied without a second command to run).
    workerInProcess: variable(
      'INGEST_WORKER_IN_PROCESS',
      booleanFlag.optional(),
      'run the stream worker inside the API (`true` needs `REDIS_URL`); `false` when only `npm run worker` processes consume the stream; unset: on whenever `REDIS_URL` is set',
    ),
    batchSize: variable('INGEST_WORKER_BATCH_SIZE', intBetween(1, 10000).default(200), 'entries per read, at most `INGEST_MAX_BATCH` (a batch is one `ingestEvents` call)'),
    blockMs: variable('INGEST_WORKER_BLOCK_MS', intBetween(10, 60000).default(2000), 'how long a read waits for new entries'),
    maxDeliveries: variable('INGEST_WORKER_MAX_DELIVERIES', positiveInt.default(5), 'deliveries after which a failing message is dead-lettered'),
    claimIdleMs: variable(
      'INGEST_WORKER_CLAIM_IDLE_MS',
      intBetween(10).default(60_000),
      'a message pending this long with a consumer is presumed abandoned (crashed worker) and reclaimed',
    ),
    claimIntervalMs: variable('INGEST_WORKER_CLAIM_INTERVAL_MS', intBetween(10).default(30_000), 'how often to look for abandoned messages'),
    backlogLimit: variable('INGEST_BACKLOG_LIMIT', positiveInt.default(100_000), 'backlog (entries not yet acknowledged) at which `/v1` answers 429'),
    retryAfterSeconds: variable('INGEST_RETRY_AFTER_SECONDS', positiveInt.default(5), 'the `Retry-After` that 429 sends'),
  },
  ({ workerInProcess, ...settings }) => ({ ...settings, workerInProcess: workerInProcess ?? true }),
);

export type StreamingSettings = z.infer<typeof streaming.schema>;
