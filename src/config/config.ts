import { z } from 'zod';
import { IDENTIFIER_TYPES, IdentifierType } from '../kernel/identifier-type';

const csv = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);

const booleanFlag = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

const positiveInt = z.coerce.number().int().min(1);

const identifierLimits = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const limits: Partial<Record<IdentifierType, number>> = {};
    for (const pair of csv(value)) {
      const [type, raw] = pair.split('=').map((part) => part.trim());
      const limit = Number(raw);
      if (!(IDENTIFIER_TYPES as readonly string[]).includes(type) || !Number.isInteger(limit) || limit < 1) {
        ctx.addIssue({ code: 'custom', message: `"${pair}" is not TYPE=positive integer with TYPE one of ${IDENTIFIER_TYPES.join(', ')}` });
        continue;
      }
      limits[type as IdentifierType] = limit;
    }
    return limits;
  });

const regexList = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (!value) return [] as string[];
    let patterns: unknown;
    try {
      patterns = JSON.parse(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array of regular expressions, e.g. ["^test@", "^0000$"]' });
      return [];
    }
    if (!Array.isArray(patterns) || !patterns.every((p) => typeof p === 'string')) {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array of strings' });
      return [];
    }
    for (const pattern of patterns) {
      try {
        new RegExp(pattern, 'i');
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `invalid regular expression ${JSON.stringify(pattern)}: ${(error as Error).message}` });
      }
    }
    return patterns as string[];
  });

/** Days to keep a data class; 0 (the default) keeps it forever. */
const retentionDays = z.coerce.number().int().min(0).default(0);

/** Consent purposes: lower-case words joined by underscores, as ingestion derives them from category names. */
const consentPurposes = z
  .string()
  .default('analytics,personalization,marketing_email,marketing_sms,data_sale')
  .transform((value, ctx) => {
    const purposes = csv(value).map((purpose) => purpose.toLowerCase());
    const malformed = purposes.filter((purpose) => !/^[a-z0-9]+(_[a-z0-9]+)*$/.test(purpose));
    if (malformed.length > 0) ctx.addIssue({ code: 'custom', message: `purposes must look like marketing_email: ${malformed.join(', ')}` });
    if (purposes.length === 0) ctx.addIssue({ code: 'custom', message: 'at least one purpose is needed' });
    return [...new Set(purposes)];
  });

const environment = z
  .object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NEO4J_URI: z.string().url().optional(),
  NEO4J_USER: z.string().default('neo4j'),
  NEO4J_PASSWORD: z.string().optional(),
  NEO4J_DATABASE: z.string().default('neo4j'),
  NEO4J_LOCAL_DATA_DIR: z.string().default('.data/neo4j'),
  NEO4J_LOCAL_PAGECACHE_MB: z.coerce.number().int().min(16).default(512),
  NEO4J_LOCAL_HEAP: z.string().regex(/^\d+[mg]$/i, 'a JVM heap size such as 1g or 768m').default('1g'),
  REDIS_URL: z.string().url().optional(),
  SEED_ON_START: booleanFlag.default('true'),
  INGEST_MAX_BATCH: z.coerce.number().int().min(1).max(10000).default(1000),
  // Per item, wherever it comes in. Segment's own API takes 32 KB a call; its payloads nest a handful of levels.
  // The cap on depth keeps serialising an item (recursive in V8, overflowing near 5,000 levels) far from the stack limit.
  INGEST_MAX_ITEM_DEPTH: z.coerce.number().int().min(2).max(256).default(32),
  INGEST_MAX_ITEM_BYTES: z.coerce.number().int().min(1024).max(16 * 1024 * 1024).default(32 * 1024),
  IDENTITY_DEFAULT_REGION: z
    .string()
    .regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 region such as US or DE')
    .default('US'),
  IDENTITY_BLOCKED_PATTERNS: regexList,
  IDENTITY_LIMITS: identifierLimits,
  IDENTITY_PRIORITY: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const order = csv(value);
      const unknown = order.filter((type) => !(IDENTIFIER_TYPES as readonly string[]).includes(type));
      if (unknown.length > 0) ctx.addIssue({ code: 'custom', message: `unknown identifier types: ${unknown.join(', ')}` });
      return order as IdentifierType[];
    }),
  AUTH_DEV_MODE: booleanFlag.default('false'),
  AUTH_JWT_SECRET: z.string().min(32, 'at least 32 characters (HS256 needs a 256-bit secret)').optional(),
  AUTH_JWKS_URL: z.string().url().optional(),
  AUTH_ISSUER: z.string().default('customer360'),
  AUTH_AUDIENCE: z.string().default('customer360-api'),
  AUTH_DEV_SECRET_FILE: z.string().default('.data/dev-jwt-secret'),
  SUPPRESSION_SALT: z.string().min(32, 'at least 32 characters: it keys the HMAC of erased identifiers').optional(),
  MASKED_COPY_KEY: z.string().min(32, 'at least 32 characters: it keys the pseudonyms of a masked copy').optional(),
  ERASURE_BATCH_SIZE: z.coerce.number().int().min(1).max(10000).default(500),
  ERASURE_RESUME_INTERVAL_MS: z.coerce.number().int().min(100).default(30_000),
  SOURCE_PRIORITY: z
    .string()
    .default('crm,support,ecommerce,mobile,web')
    .transform((value) => csv(value).map((source) => source.toLowerCase())),
  GRAPHQL_MAX_DEPTH: positiveInt.default(6),
  GRAPHQL_MAX_ALIASES: positiveInt.default(15),
  GRAPHQL_MAX_DIRECTIVES: positiveInt.default(50),
  GRAPHQL_MAX_TOKENS: positiveInt.default(1000),
  GRAPHQL_MAX_COST: positiveInt.default(5000),
  HTTP_MAX_BODY_BYTES: positiveInt.default(1024 * 1024),
  WS_MAX_MESSAGE_BYTES: positiveInt.default(64 * 1024),
  WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: positiveInt.default(100),
  FEED_KEY: z.string().min(1).default('c360:feed:memberships'),
  FEED_MAX_LENGTH: positiveInt.default(100_000),
  // Changes a stopped process left in the outbox are appended by any instance once this old, checked this often.
  FEED_RELAY_GRACE_SECONDS: positiveInt.default(30),
  FEED_RELAY_INTERVAL_MS: z.coerce.number().int().min(100).default(10_000),
  RATE_LIMIT_POINTS: z.coerce.number().int().min(0).default(1200),
  RATE_LIMIT_DURATION_SECONDS: positiveInt.default(60),
  AUDIT_BATCH_SIZE: z.coerce.number().int().min(1).max(10000).default(1000),
  // Each flush is a write transaction on the chain head: 250 ms cost the read benchmark 18% (measured), 1 s about 5%.
  AUDIT_FLUSH_INTERVAL_MS: z.coerce.number().int().min(10).max(60000).default(1000),
  AUDIT_MAX_BUFFER: z.coerce.number().int().min(1000).default(200000),
  AUDIT_HMAC_KEY: z.string().min(32, 'at least 32 characters: it keys the hashes of the audit chain and signs its checkpoints').optional(),
  AUDIT_DEV_KEY_FILE: z.string().default('.data/dev-audit-key'),
  // Entries newer than the last checkpoint can be deleted unnoticed: this bounds how many seconds of them.
  AUDIT_CHECKPOINT_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  AUDIT_CHECKPOINT_FILE: z.string().min(1).default('.data/audit-checkpoints.jsonl'),
  AUDIT_CHECKPOINT_KEY: z.string().min(1).default('c360:audit:checkpoints'),
  CONSENT_PURPOSES: consentPurposes,
  RETENTION_ANONYMOUS_PROFILE_DAYS: retentionDays,
  RETENTION_SOURCE_RECORD_DAYS: retentionDays,
  RETENTION_DEAD_LETTER_DAYS: retentionDays,
  RETENTION_INTERVAL_MINUTES: z.coerce.number().int().min(0).default(60),
  RETENTION_BATCH_SIZE: z.coerce.number().int().min(1).max(10000).default(500),
  // Behaviour facts: TRACK counts per bucket; a window rule is exact to one bucket. Older buckets are dropped.
  BEHAVIOUR_BUCKET_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(60),
  BEHAVIOUR_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  SEGMENT_EVALUATION_BATCH: z.coerce.number().int().min(1).max(10000).default(1000),
  // The window scheduler also looks again this often, for rechecks written by other instances.
  SEGMENT_WINDOW_MAX_SLEEP_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  // Off only where something else drives time windows (tests call runDue with their own clock).
  SEGMENT_WINDOW_SCHEDULER: booleanFlag.default('true'),
  // Smaller segments show no size to readers without pii:read (1: every size is shown).
  SEGMENT_MIN_GROUP_SIZE: z.coerce.number().int().min(1).max(1000).default(10),
  INGEST_STREAM_KEY: z.string().min(1).default('c360:ingest:events'),
  INGEST_STREAM_GROUP: z.string().min(1).default('c360-ingest'),
  INGEST_DEAD_LETTER_STREAM: z.string().min(1).default('c360:ingest:dead'),
  // Unset: on whenever REDIS_URL is (events accepted at /v1 must be applied without a second command to run).
  INGEST_WORKER_IN_PROCESS: booleanFlag.optional(),
  INGEST_WORKER_BATCH_SIZE: z.coerce.number().int().min(1).max(10000).default(200),
  INGEST_WORKER_BLOCK_MS: z.coerce.number().int().min(10).max(60000).default(2000),
  INGEST_WORKER_MAX_DELIVERIES: positiveInt.default(5),
  INGEST_WORKER_CLAIM_IDLE_MS: z.coerce.number().int().min(10).default(60_000),
  INGEST_WORKER_CLAIM_INTERVAL_MS: z.coerce.number().int().min(10).default(30_000),
  INGEST_BACKLOG_LIMIT: positiveInt.default(100_000),
  INGEST_RETRY_AFTER_SECONDS: positiveInt.default(5),
  SEGMENT_WRITE_KEYS: z
    .string()
    .optional()
    .transform((value, ctx) =>
      csv(value).map((entry) => {
        const [key, source, ...rest] = entry.split(':').map((part) => part.trim());
        if (!key || rest.length > 0 || (source !== undefined && !/^[a-z0-9_-]{1,64}$/i.test(source))) {
          ctx.addIssue({ code: 'custom', message: `"${entry}" is not KEY or KEY:source (source letters, digits, _ or -)` });
        }
        return { key, source: source ? source.toLowerCase() : null };
      }),
    ),
  SEGMENT_DEV_WRITE_KEY_FILE: z.string().default('.data/dev-segment-write-key'),
  METRICS_TOKEN: z.string().min(32, 'at least 32 characters: the bearer token a Prometheus scraper sends').optional(),
  })
  .superRefine((e, ctx) => {
    // No default secret outside an explicit dev mode: a forgotten setting must stop the start, not open the API.
    if (!e.AUTH_DEV_MODE && !e.AUTH_JWT_SECRET && !e.AUTH_JWKS_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_JWT_SECRET'],
        message: 'set AUTH_JWT_SECRET (HS256) or AUTH_JWKS_URL, or AUTH_DEV_MODE=true for local development',
      });
    }
    if (e.AUTH_JWT_SECRET && e.AUTH_JWKS_URL) {
      ctx.addIssue({ code: 'custom', path: ['AUTH_JWKS_URL'], message: 'set AUTH_JWT_SECRET or AUTH_JWKS_URL, not both' });
    }
    // A default salt would let anyone test guessed emails against the suppression list: production must set one.
    if (e.NODE_ENV === 'production' && !e.SUPPRESSION_SALT) {
      ctx.addIssue({ code: 'custom', path: ['SUPPRESSION_SALT'], message: 'required when NODE_ENV=production (a random secret of 32+ characters, kept forever)' });
    }
    // A key kept beside the data it protects protects nothing: production must bring its own.
    if (e.NODE_ENV === 'production' && !e.AUDIT_HMAC_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUDIT_HMAC_KEY'],
        message: 'required when NODE_ENV=production (a random secret of 32+ characters, kept outside Neo4j and kept forever)',
      });
    }
    if (e.INGEST_WORKER_IN_PROCESS === true && !e.REDIS_URL) {
      ctx.addIssue({ code: 'custom', path: ['INGEST_WORKER_IN_PROCESS'], message: 'the ingest worker reads a Redis Stream: set REDIS_URL too' });
    }
    if (e.INGEST_WORKER_BATCH_SIZE > e.INGEST_MAX_BATCH) {
      ctx.addIssue({ code: 'custom', path: ['INGEST_WORKER_BATCH_SIZE'], message: `at most INGEST_MAX_BATCH (${e.INGEST_MAX_BATCH}): a batch is one ingestEvents call` });
    }
    if (e.AUTH_DEV_MODE && e.NODE_ENV === 'production') {
      ctx.addIssue({ code: 'custom', path: ['AUTH_DEV_MODE'], message: 'dev mode is refused when NODE_ENV=production' });
    }
  });

export type Config = Readonly<{
  env: 'development' | 'production' | 'test';
  http: { host: string; port: number };
  logLevel: string;
  neo4j: {
    uri?: string;
    user: string;
    password?: string;
    database: string;
    local: { dataDir: string; pageCacheMb: number; heap: string };
  };
  redis: { url?: string };
  /** The durable feed of segment membership changes: a Redis Stream with REDIS_URL, else an in-memory ring. */
  feed: {
    key: string;
    /** Entries kept (Redis trims approximately: at least this many, at most one stream node more). */
    maxLength: number;
    relayGraceSeconds: number;
    relayIntervalMs: number;
  };
  seedOnStart: boolean;
  auth: {
    devMode: boolean;
    secret?: string;
    jwksUrl?: string;
    issuer: string;
    audience: string;
    devSecretFile: string;
  };
  ingest: {
    /** Items per call, for GraphQL and /v1/batch alike. */
    maxBatch: number;
    /** Nesting levels of one item (the item is level 1); deeper items are refused alone (PAYLOAD_TOO_DEEP). */
    maxItemDepth: number;
    /** UTF-8 bytes of one item as JSON; larger items are refused alone (PAYLOAD_TOO_LARGE). */
    maxItemBytes: number;
  };
  limits: {
    /** Per operation, checked before anything executes (see src/server/operation-limits.ts). */
    operation: { maxDepth: number; maxAliases: number; maxDirectives: number; maxTokens: number; maxCost: number };
    httpMaxBodyBytes: number;
    wsMaxMessageBytes: number;
    wsMaxSubscriptionsPerConnection: number;
    /** Operations per principal per window; 0 switches rate limiting off (benchmarks). */
    rate: { points: number; durationSeconds: number };
  };
  privacy: {
    suppressionSalt: string;
    /** True when SUPPRESSION_SALT was not set and the public development salt is in use (never in production). */
    suppressionSaltIsDevDefault: boolean;
    erasureBatchSize: number;
    /** How often an instance looks for erasures whose holder died (lease lapsed) and resumes them. */
    erasureResumeIntervalMs: number;
    /** Key of the masked copy's pseudonyms; no default: a known key would let anyone re-identify a copy by guessing. */
    maskedCopyKey?: string;
  };
  identity: {
    defaultRegion: string;
    blockedPatterns: string[];
    limits: Partial<Record<IdentifierType, number>>;
    priority: IdentifierType[];
    sourcePriority: string[];
  };
  audit: AuditSettings;
  consent: { purposes: string[] };
  retention: RetentionSettings;
  segments: SegmentSettings;
  streaming: StreamingSettings;
  /** The Segment-spec tracking endpoint (/v1/*), not to be confused with audience segments. */
  segmentSpec: {
    /** Write keys the Segment-spec endpoint accepts, each with the source its events are attributed to (null: "events"). */
    writeKeys: { key: string; source: string | null }[];
    /** Dev mode without SEGMENT_WRITE_KEYS: a generated key kept here, so SDK setups survive restarts. */
    devWriteKeyFile: string;
  };
  /** GET /metrics: only with this bearer token when set; without one, served in development and not in production. */
  metrics: { token?: string };
}>;

export type AuditSettings = {
  batchSize: number;
  flushIntervalMs: number;
  maxBuffer: number;
  /** Keys the chain's hashes and signs its checkpoints; unset outside production: a generated key in devKeyFile. */
  hmacKey?: string;
  devKeyFile: string;
  checkpoints: {
    /** Least time between two checkpoints of a moving head (one is also written after the first batch and at stop). */
    intervalMs: number;
    /** Where checkpoints go without REDIS_URL. */
    file: string;
    /** With REDIS_URL: the prefix of one Redis Stream per chain (`<key>:<chain>`). */
    redisKey: string;
  };
};

export type SegmentSettings = {
  bucketMinutes: number;
  behaviourRetentionDays: number;
  evaluationBatch: number;
  windowMaxSleepMs: number;
  windowScheduler: boolean;
  /** Sizes below it are withheld from readers without pii:read. */
  minGroupSize: number;
};

export type StreamingSettings = {
  streamKey: string;
  group: string;
  deadLetterKey: string;
  /**
   * Runs the worker inside the API process when REDIS_URL is set (the default); false when only separate workers
   * (`npm run worker`) consume the stream.
   */
  workerInProcess: boolean;
  batchSize: number;
  blockMs: number;
  /** A message that failed this many deliveries goes to the dead-letter stream. */
  maxDeliveries: number;
  /** A message pending this long with a consumer is presumed abandoned (crashed worker) and reclaimed. */
  claimIdleMs: number;
  claimIntervalMs: number;
  /** Backlog (entries not yet acknowledged) above which the HTTP endpoint answers 429. */
  backlogLimit: number;
  retryAfterSeconds: number;
};

export type RetentionSettings = {
  /** 0 keeps the class forever. */
  anonymousProfileDays: number;
  sourceRecordDays: number;
  deadLetterDays: number;
  /** How often the app process applies retention; 0 never (run `npm run retention` from a scheduler instead). */
  intervalMinutes: number;
  batchSize: number;
};

export class ConfigError extends Error {}

/** Public, so only for development and tests: production refuses to start without SUPPRESSION_SALT. */
export const DEV_SUPPRESSION_SALT = 'c360-development-suppression-salt-NOT-FOR-PRODUCTION';

/** Parses the whole environment once and reports every problem together. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environment.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  }
  const e = parsed.data;
  return Object.freeze({
    env: e.NODE_ENV,
    http: { host: e.HOST, port: e.PORT },
    logLevel: e.LOG_LEVEL,
    neo4j: {
      uri: e.NEO4J_URI,
      user: e.NEO4J_USER,
      password: e.NEO4J_PASSWORD,
      database: e.NEO4J_DATABASE,
      local: { dataDir: e.NEO4J_LOCAL_DATA_DIR, pageCacheMb: e.NEO4J_LOCAL_PAGECACHE_MB, heap: e.NEO4J_LOCAL_HEAP },
    },
    redis: { url: e.REDIS_URL },
    feed: { key: e.FEED_KEY, maxLength: e.FEED_MAX_LENGTH, relayGraceSeconds: e.FEED_RELAY_GRACE_SECONDS, relayIntervalMs: e.FEED_RELAY_INTERVAL_MS },
    seedOnStart: e.SEED_ON_START,
    auth: {
      devMode: e.AUTH_DEV_MODE,
      secret: e.AUTH_JWT_SECRET,
      jwksUrl: e.AUTH_JWKS_URL,
      issuer: e.AUTH_ISSUER,
      audience: e.AUTH_AUDIENCE,
      devSecretFile: e.AUTH_DEV_SECRET_FILE,
    },
    ingest: { maxBatch: e.INGEST_MAX_BATCH, maxItemDepth: e.INGEST_MAX_ITEM_DEPTH, maxItemBytes: e.INGEST_MAX_ITEM_BYTES },
    limits: {
      operation: {
        maxDepth: e.GRAPHQL_MAX_DEPTH,
        maxAliases: e.GRAPHQL_MAX_ALIASES,
        maxDirectives: e.GRAPHQL_MAX_DIRECTIVES,
        maxTokens: e.GRAPHQL_MAX_TOKENS,
        maxCost: e.GRAPHQL_MAX_COST,
      },
      httpMaxBodyBytes: e.HTTP_MAX_BODY_BYTES,
      wsMaxMessageBytes: e.WS_MAX_MESSAGE_BYTES,
      wsMaxSubscriptionsPerConnection: e.WS_MAX_SUBSCRIPTIONS_PER_CONNECTION,
      rate: { points: e.RATE_LIMIT_POINTS, durationSeconds: e.RATE_LIMIT_DURATION_SECONDS },
    },
    privacy: {
      suppressionSalt: e.SUPPRESSION_SALT ?? DEV_SUPPRESSION_SALT,
      suppressionSaltIsDevDefault: !e.SUPPRESSION_SALT,
      erasureBatchSize: e.ERASURE_BATCH_SIZE,
      erasureResumeIntervalMs: e.ERASURE_RESUME_INTERVAL_MS,
      maskedCopyKey: e.MASKED_COPY_KEY,
    },
    identity: {
      defaultRegion: e.IDENTITY_DEFAULT_REGION,
      blockedPatterns: e.IDENTITY_BLOCKED_PATTERNS,
      limits: e.IDENTITY_LIMITS,
      priority: e.IDENTITY_PRIORITY,
      sourcePriority: e.SOURCE_PRIORITY,
    },
    audit: {
      batchSize: e.AUDIT_BATCH_SIZE,
      flushIntervalMs: e.AUDIT_FLUSH_INTERVAL_MS,
      maxBuffer: e.AUDIT_MAX_BUFFER,
      hmacKey: e.AUDIT_HMAC_KEY,
      devKeyFile: e.AUDIT_DEV_KEY_FILE,
      checkpoints: { intervalMs: e.AUDIT_CHECKPOINT_INTERVAL_MS, file: e.AUDIT_CHECKPOINT_FILE, redisKey: e.AUDIT_CHECKPOINT_KEY },
    },
    consent: { purposes: e.CONSENT_PURPOSES },
    retention: {
      anonymousProfileDays: e.RETENTION_ANONYMOUS_PROFILE_DAYS,
      sourceRecordDays: e.RETENTION_SOURCE_RECORD_DAYS,
      deadLetterDays: e.RETENTION_DEAD_LETTER_DAYS,
      intervalMinutes: e.RETENTION_INTERVAL_MINUTES,
      batchSize: e.RETENTION_BATCH_SIZE,
    },
    segments: {
      bucketMinutes: e.BEHAVIOUR_BUCKET_MINUTES,
      behaviourRetentionDays: e.BEHAVIOUR_RETENTION_DAYS,
      evaluationBatch: e.SEGMENT_EVALUATION_BATCH,
      windowMaxSleepMs: e.SEGMENT_WINDOW_MAX_SLEEP_MS,
      windowScheduler: e.SEGMENT_WINDOW_SCHEDULER,
      minGroupSize: e.SEGMENT_MIN_GROUP_SIZE,
    },
    streaming: {
      streamKey: e.INGEST_STREAM_KEY,
      group: e.INGEST_STREAM_GROUP,
      deadLetterKey: e.INGEST_DEAD_LETTER_STREAM,
      workerInProcess: e.INGEST_WORKER_IN_PROCESS ?? true,
      batchSize: e.INGEST_WORKER_BATCH_SIZE,
      blockMs: e.INGEST_WORKER_BLOCK_MS,
      maxDeliveries: e.INGEST_WORKER_MAX_DELIVERIES,
      claimIdleMs: e.INGEST_WORKER_CLAIM_IDLE_MS,
      claimIntervalMs: e.INGEST_WORKER_CLAIM_INTERVAL_MS,
      backlogLimit: e.INGEST_BACKLOG_LIMIT,
      retryAfterSeconds: e.INGEST_RETRY_AFTER_SECONDS,
    },
    segmentSpec: { writeKeys: e.SEGMENT_WRITE_KEYS, devWriteKeyFile: e.SEGMENT_DEV_WRITE_KEY_FILE },
    metrics: { token: e.METRICS_TOKEN },
  });
}
