import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { auditKeyForWriting } from './audit/audit-key';
import { AuditRepository } from './audit/audit.repository';
import { AuditTrail } from './audit/audit-trail';
import { checkpointStoreFor } from './audit/checkpoint-store';
import { ChangePublisher } from './changes/change-publisher';
import { registerChangePublishing } from './changes/change-consequences';
import { MembershipOutbox } from './changes/membership-outbox';
import { connectAppPubSub } from './changes/app-pubsub';
import { createMembershipFeed } from './changes/create-membership-feed';
import type { Config } from './config/config';
import { tokenSettings } from './auth/auth-settings';
import { ANONYMOUS, type Principal } from './auth/principal';
import { TokenMinter } from './auth/token-minter';
import { TokenVerifier } from './auth/token-verifier';
import { ConsentPurposes } from './kernel/consent-purposes';
import { ConsentRepository } from './consent/consent.repository';
import { ConsentService } from './consent/consent.service';
import { CustomerRepository } from './customers/customer.repository';
import { DeadLetterRepository } from './dead-letters/dead-letter.repository';
import { IdentifierNormalizer } from './identity/identifier-normalizer';
import { IdentityRepository } from './identity/identity.repository';
import { identityRules, type IdentityRules } from './identity/identity-rules';
import { ResolutionService } from './identity/resolution.service';
import { CypherRegistry } from './infra/neo4j/cypher-registry';
import type { Database } from './infra/neo4j/database';
import { DATA_MIGRATIONS } from './data-migrations';
import { migrate } from './infra/neo4j/migrations';
import { closeRedis, connectRedis } from './infra/redis/redis-client';
import { BatchLimit } from './ingestion/batch-limit';
import { IngestionService } from './ingestion/ingestion.service';
import { JobRunner } from './jobs/job-runner';
import { PayloadGuard } from './ingestion/payload-guard';
import type { Logger } from './observability/logger';
import { createMetrics } from './observability/metrics';
import { buildAppSchema } from './schema/build-schema';
import { RetentionJob } from './retention/retention-job';
import { createContext, type AppServices } from './server/context';
import { createHttpServer } from './server/http-server';
import { OperationRateLimiter } from './server/rate-limiter';
import { CustomerCache } from './privacy/customer-cache';
import { CustomerExportService } from './privacy/customer-export.service';
import { ErasureRepository } from './privacy/erasure.repository';
import { ErasureService } from './privacy/erasure.service';
import { SuppressionFilter } from './privacy/suppression-filter';
import { SuppressionHasher } from './privacy/suppression-hasher';
import { SuppressionRepository } from './privacy/suppression.repository';
import { DirectSink, StreamSink } from './streaming/event-sink';
import { IngestStream } from './streaming/ingest-stream';
import { createSegments } from './segments/segments.module';
import { segmentRouter } from './streaming/segment-router';
import { StreamWorker } from './streaming/stream-worker';
import { WriteKeys } from './streaming/write-keys';
import { UnitOfWork } from './writes/unit-of-work';

export type AppOptions = {
  config: Config;
  db: Database;
  logger: Logger;
  /** Overrides the configured match rules (tests switch merge protection off). */
  rules?: IdentityRules;
  clock?: () => Date;
  /** Benchmarks only: the schema without its policy layer, to measure what the layer costs. Never in a server. */
  withoutPolicyLayer?: boolean;
};

export type App = Awaited<ReturnType<typeof createApp>>;

/** How long an instance may go without finishing a batch before another may take its erasure over. */
const ERASURE_LEASE_SECONDS = 60;
const DAY_MS = 86_400_000;

/** The composition root: migrations, services, schema and server, for `npm start`, tests and benchmarks alike. */
export async function createApp({ config, db, logger, rules, clock, withoutPolicyLayer = false }: AppOptions) {
  const registry = new CypherRegistry();
  const applied = await migrate(db, registry, DATA_MIGRATIONS);
  if (applied.length > 0) logger.info({ migrations: applied.map((m) => (m.version === null ? m.name : `${m.version}-${m.name}`)) }, 'migrations applied');

  const identityRepository = new IdentityRepository(registry);
  const activeRules = rules ?? identityRules(config.identity.limits, config.identity.priority);
  const ruleVersion = await db.write((tx) => ResolutionService.ruleVersionFor(identityRepository, tx, activeRules, config.identity));
  const normalizer = new IdentifierNormalizer(config.identity);
  const metrics = createMetrics();
  db.onQuery((query, elapsedMs) => metrics.neo4jQueryDuration.observe({ query: registry.nameOf(query) }, elapsedMs / 1000));
  const deadLetters = new DeadLetterRepository(db, registry);
  const consentRepository = new ConsentRepository(registry);
  const consentPurposes = new ConsentPurposes(config.consent.purposes);
  const bucketMs = config.segments.bucketMinutes * 60_000;
  const resolution = new ResolutionService(
    identityRepository,
    consentRepository,
    {
      rules: activeRules,
      ruleVersion,
      sourcePriority: config.identity.sourcePriority,
      behaviour: { bucketMs, retentionMs: config.segments.behaviourRetentionDays * DAY_MS },
    },
    clock,
  );
  const redis = await connectRedis(config.redis.url, logger);
  const events = connectAppPubSub(config.redis.url, redis, logger);
  const pubSub = events.pubSub;
  const feed = await createMembershipFeed(config, redis, logger, clock);
  const outbox = new MembershipOutbox(db, registry, logger);
  const changes = new ChangePublisher(pubSub, feed, outbox, logger, metrics, clock);
  // This instance's background loops; its holder id names this instance in every lease it takes.
  const jobs = new JobRunner(db, registry, logger);
  // Every write and its consequences: segments register re-evaluation, the changes side the outbox and publishing.
  const writes = new UnitOfWork(db);
  const segments = createSegments({ db, registry, writes, jobs, logger, settings: config.segments, purposes: consentPurposes.list, clock });
  registerChangePublishing(writes, changes);
  if (config.privacy.suppressionSaltIsDevDefault) {
    logger.warn('SUPPRESSION_SALT is not set: using the public development salt (refused in production)');
  }
  const hasher = new SuppressionHasher(config.privacy.suppressionSalt);
  const suppressions = new SuppressionRepository(registry);
  const customers = new CustomerRepository(db, registry);
  const erasure = new ErasureService({
    db,
    writes,
    repository: new ErasureRepository(db, registry, { holder: jobs.holder, seconds: ERASURE_LEASE_SECONDS }),
    suppressions,
    hasher,
    normalizer,
    cache: new CustomerCache(redis),
    metrics,
    logger,
    batchSize: config.privacy.erasureBatchSize,
    memberships: { leaveAll: (tx, ids) => segments.evaluator.leaveAllIn(tx, ids) },
    clock,
  });
  const batchLimit = new BatchLimit(config.ingest.maxBatch);
  const payloadGuard = new PayloadGuard({ maxDepth: config.ingest.maxItemDepth, maxBytes: config.ingest.maxItemBytes });
  const auditKey = auditKeyForWriting(config.audit);
  if (!config.audit.hmacKey) {
    logger.warn(`AUDIT_HMAC_KEY is not set: the audit chain is keyed with the generated key in ${auditKey.from} (refused in production)`);
  }
  const checkpointStore = checkpointStoreFor(config.audit.checkpoints, redis);
  const audit = new AuditTrail(new AuditRepository(db, registry), metrics, logger, {
    batchSize: config.audit.batchSize,
    flushIntervalMs: config.audit.flushIntervalMs,
    maxBuffer: config.audit.maxBuffer,
    key: auditKey.key,
    checkpoints: { store: checkpointStore, intervalMs: config.audit.checkpoints.intervalMs },
    clock,
  });
  logger.info({ store: checkpointStore.describe(audit.chain), keyId: auditKey.key.id }, 'audit chain checkpoints go to the log and to this store');
  const services: AppServices = {
    ingestion: new IngestionService({
      writes,
      resolution,
      deadLetters,
      suppression: new SuppressionFilter(hasher, suppressions, normalizer),
      normalizer,
      purposes: consentPurposes,
      batchLimit,
      guard: payloadGuard,
      metrics,
      clock,
    }),
    deadLetters,
    customers,
    normalizer,
    audit,
    consent: new ConsentService(writes, consentRepository, consentPurposes, clock),
    consentPurposes,
    erasure,
    exports: new CustomerExportService(db, registry, customers, erasure, audit, clock),
    segments: { service: segments.service, repository: segments.repository, disclosure: segments.disclosure },
    feed,
  };
  // Whole-population evaluations a stopped instance left unfinished continue here once their lease lapses.
  await segments.start();
  // Changes a stopped process committed but never appended reach the feed here (any instance relays them).
  jobs.schedule({
    name: 'outbox-relay',
    intervalMs: config.feed.relayIntervalMs,
    tick: async () => {
      const relayed = await changes.relayOwedMemberships(config.feed.relayGraceSeconds);
      if (relayed > 0) logger.warn({ relayed }, 'appended membership changes a stopped process left in the outbox');
    },
    failure: { message: 'outbox relay failed; trying again' },
  });
  // An accepted erasure is never lost: whatever a stop or a crash left unfinished runs again now.
  await jobs.schedule({
    name: 'erasure-resume',
    intervalMs: config.privacy.erasureResumeIntervalMs,
    runAtStart: true,
    tick: () => erasure.resumePending(),
    failure: { message: 'could not look for unfinished erasures' },
  }).started;

  const retention = new RetentionJob(writes, registry, config.retention, logger, clock);
  if (retention.enabled && config.retention.intervalMinutes > 0) {
    jobs.schedule({
      name: 'retention',
      intervalMs: config.retention.intervalMinutes * 60_000,
      tick: () => retention.run(),
      failure: { message: 'retention run failed; the next run tries again', level: 'error' },
    });
  }

  const tokens = tokenSettings(config.auth);
  const verifier = new TokenVerifier(tokens);
  const minter = tokens.secret ? new TokenMinter(tokens.secret, tokens.issuer, tokens.audience) : null;
  const graphiqlToken = config.auth.devMode && minter ? () => minter.mint({ role: 'admin', subject: 'graphiql-dev' }) : undefined;
  const schema = await buildAppSchema(pubSub, { policy: !withoutPolicyLayer });
  const rateLimiter = OperationRateLimiter.create(config.limits.rate, redis);
  const ingestStream = redis ? new IngestStream(redis, config.streaming) : null;
  const { writeKeys, devKey: segmentDevWriteKey } = WriteKeys.fromConfig(config);
  if (writeKeys.empty) logger.warn('SEGMENT_WRITE_KEYS is not set: the Segment-spec endpoint /v1 refuses every call');
  const tracking = segmentRouter({
    sink: ingestStream
      ? new StreamSink(ingestStream, config.streaming.backlogLimit, metrics, payloadGuard)
      : new DirectSink(services.ingestion),
    batchLimit,
    writeKeys,
    maxBodyBytes: config.limits.httpMaxBodyBytes,
    retryAfterSeconds: config.streaming.retryAfterSeconds,
    metrics,
    logger,
    clock,
  });
  const { apollo, httpServer } = await createHttpServer({
    config,
    schema,
    services,
    db,
    metrics,
    logger,
    verifier,
    rateLimiter,
    graphiqlToken,
    tracking,
  });
  const ingestWorker =
    config.streaming.workerInProcess && config.redis.url
      ? new StreamWorker({ redisUrl: config.redis.url, settings: config.streaming, ingestion: services.ingestion, metrics, logger })
      : null;
  ingestWorker?.start();

  return {
    services,
    /**
     * Customer and consent changes. CONSENT_CHANGED stays in this process (for consumers such as segments); the
     * per-customer topics reach every instance when Redis is configured.
     */
    pubSub,
    /** Publishes what committed transactions changed; tests reach the membership outbox through it. */
    changes,
    /** Runs every write with its consequences; a new consequence is one `writes.register(...)`. */
    writes,
    /** Background segment work, for tests: wait for whole-population runs, run due window rechecks now. */
    segments: { population: segments.population, windows: segments.windows, evaluator: segments.evaluator },
    /** The durable feed of segment membership changes: segment evaluation appends after commit, subscriptions read. */
    feed,
    retention,
    metrics,
    ruleVersion,
    schema,
    apollo,
    httpServer,
    verifier,
    rateLimiter,
    /** Appends identity events for the worker (`ingestStream.append(events)`); null without REDIS_URL. */
    ingestStream,
    /** The stream consumer running in this process (INGEST_WORKER_IN_PROCESS, or `npm run worker`); else null. */
    ingestWorker,
    /** Dev mode without SEGMENT_WRITE_KEYS: the generated write key for the Segment-spec endpoint. */
    segmentDevWriteKey,
    /** Mints HS256 tokens (dev mode, tests); null when tokens come from an identity provider's JWKS. */
    minter,
    /** Runs an operation in-process, with a fresh context, as a request by `principal` would. */
    execute: <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, principal: Principal = ANONYMOUS) =>
      apollo.executeOperation<T>({ query, variables }, { contextValue: createContext(services, principal) }),
    async listen(host: string, port: number): Promise<string> {
      httpServer.listen(port, host);
      await once(httpServer, 'listening');
      const address = httpServer.address() as AddressInfo;
      return `http://${host}:${address.port}`;
    },
    /** Stops taking requests, then writes the audit entries still buffered; the caller closes the driver after. */
    async stop(): Promise<void> {
      // Timers off, and the ticks in progress over (retention, relay, resumes, windows).
      await jobs.stop();
      await segments.stop();
      // Before the database goes: the batch in hand is finished and acknowledged.
      await ingestWorker?.stop();
      await apollo.stop();
      await erasure.drain();
      if (httpServer.listening) {
        httpServer.close();
        await once(httpServer, 'close');
      }
      // Appended changes leave the outbox now, not on the next start's relay.
      await outbox.flush();
      await feed.close();
      await events.close();
      try {
        // Its last checkpoint may go to Redis: before the connection closes.
        await services.audit.stop();
      } finally {
        await closeRedis(redis);
      }
    },
  };
}
