import { z } from 'zod';
import { section, variable } from './declare';
import { intBetween, secret } from './values';

export const audit = section(
  'Audit trail',
  'Reads of personal data in clear are recorded in a hash chain, written in batches and checkpointed outside Neo4j.',
  {
    // One statement per batch: a larger batch costs the event loop only its hashing (about 2 µs an entry, in turns of
    // 1,000), and lets the writer catch up after a pause.
    batchSize: variable(
      'AUDIT_BATCH_SIZE',
      intBetween(1, 50000).default(10000),
      'most audit entries per write transaction (one statement); a full batch is written at once',
    ),
    // Each flush is a write transaction on the chain head: 250 ms cost the read benchmark 18% (measured), 1 s about 5%.
    flushIntervalMs: variable('AUDIT_FLUSH_INTERVAL_MS', intBetween(10, 60000).default(1000), 'longest an audit entry waits in the buffer'),
    maxBuffer: variable(
      'AUDIT_MAX_BUFFER',
      intBetween(1).default(200000),
      'unwritten audit entries from which operations that would read PII in clear are refused whole, before they run (HTTP 503, `SERVICE_UNAVAILABLE`, reason `AUDIT_BACKLOG`)',
    ),
    retryAfterSeconds: variable(
      'AUDIT_RETRY_AFTER_SECONDS',
      intBetween(1, 300).default(1),
      'the Retry-After (and `extensions.retryAfterSeconds`) of an operation refused for the audit backlog',
    ),
    hmacKey: variable(
      'AUDIT_HMAC_KEY',
      secret('it keys the hashes of the audit chain and signs its checkpoints'),
      "keys the audit chain's hashes and signs its checkpoints (keep it outside Neo4j, never change it); required in production, a key generated in `AUDIT_DEV_KEY_FILE` otherwise",
    ),
    devKeyFile: variable('AUDIT_DEV_KEY_FILE', z.string().default('.data/dev-audit-key'), 'where development keeps its generated audit key'),
    checkpoints: {
      // Entries newer than the last checkpoint can be deleted unnoticed: this bounds how many seconds of them.
      intervalMs: variable(
        'AUDIT_CHECKPOINT_INTERVAL_MS',
        intBetween(100, 3_600_000).default(60_000),
        'least time between two checkpoints of a moving chain head (one is also written after the first batch and at stop)',
      ),
      file: variable('AUDIT_CHECKPOINT_FILE', z.string().min(1).default('.data/audit-checkpoints.jsonl'), 'where checkpoints go without `REDIS_URL`'),
      redisKey: variable(
        'AUDIT_CHECKPOINT_KEY',
        z.string().min(1).default('c360:audit:checkpoints'),
        'with `REDIS_URL`: the prefix of one Redis Stream of checkpoints per chain (`<key>:<chain>`)',
      ),
    },
  },
);

export type AuditSettings = z.infer<typeof audit.schema>;
