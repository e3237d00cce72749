import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createAudit } from './audit/audit.module';
import { createAuth } from './auth/auth.module';
import { ANONYMOUS, type Principal } from './auth/principal';
import { registerChangePublishing } from './changes/change-consequences';
import { createChanges } from './changes/changes.module';
import type { Config } from './config/config';
import { createConsent } from './consent/consent.module';
import { createCustomers } from './customers/customers.module';
import { DATA_MIGRATIONS } from './data-migrations';
import { createDeadLetters } from './dead-letters/dead-letters.module';
import { createIdentity } from './identity/identity.module';
import { createMatchRules } from './identity/rules/rules.module';
import type { IdentityRules } from './identity/identity-rules';
import { CypherRegistry } from './infra/neo4j/cypher-registry';
import type { Database } from './infra/neo4j/database';
import { migrate } from './infra/neo4j/migrations';
import { closeRedis, connectRedis } from './infra/redis/redis-client';
import { createIngestion } from './ingestion/ingestion.module';
import { JobRunner } from './jobs/job-runner';
import type { Logger } from './observability/logger';
import { createMetrics } from './observability/metrics';
import { DataDictionaryResolver } from './policy/data-dictionary.resolver';
import { createPrivacy } from './privacy/privacy.module';
import { createRetention } from './retention/retention.module';
import { buildAppSchema } from './schema/build-schema';
import { createSegments } from './segments/segments.module';
import { createContext, type RequestScope } from './server/context';
import { createHttpServer } from './server/http-server';
import { OperationRateLimiter } from './server/rate-limiter';
import { createStreaming } from './streaming/streaming.module';
import { createStewardship } from './stewardship/stewardship.module';
import { UnitOfWork } from './writes/unit-of-work';

export type AppOptions = {
  config: Config;
  db: Database;
  logger: Logger;
  /** Overrides the configured match rules (tests switch merge protection off). */
  rules?: IdentityRules;
  /**
   * Tests only, over one shared database: resolve with this app's configured rules without putting them in force
   * for every instance (nor following the version in force).
   */
  ownRules?: boolean;
  clock?: () => Date;
  /** Benchmarks only: the schema without its policy layer, to measure what the layer costs. Never in a server. */
  withoutPolicyLayer?: boolean;
};

export type App = Awaited<ReturnType<typeof createApp>>;

/**
 * The composition root, for `npm start`, tests and benchmarks alike: migrations, then the domain modules (each
 * builds its own repositories, services, resolvers and jobs), then the schema over their resolvers and the server.
 */
export async function createApp({ config, db, logger, rules, ownRules = false, clock, withoutPolicyLayer = false }: AppOptions) {
  const registry = new CypherRegistry();
  const applied = await migrate(db, registry, DATA_MIGRATIONS);
  if (applied.length > 0) logger.info({ migrations: applied.map((m) => (m.version === null ? m.name : `${m.version}-${m.name}`)) }, 'migrations applied');
  const metrics = createMetrics();
  db.onQuery((query, elapsedMs) => metrics.neo4jQueryDuration.observe({ query: registry.nameOf(query) }, elapsedMs / 1000));
  const redis = await connectRedis(config.redis.url, logger);
  const infra = { db, registry, logger, metrics, clock };
  // This instance's background loops; its holder id names this instance in every lease it takes.
  const jobs = new JobRunner(db, registry, logger);

  const changes = await createChanges({ ...infra, config, redis, jobs });
  // Every write and its consequences: segments register re-evaluation, the changes side the outbox and publishing.
  const writes = new UnitOfWork(db);
  const segments = createSegments({ ...infra, writes, jobs, settings: config.segments, purposes: config.consent.purposes, identifierTypes: config.identity.types.names });
  registerChangePublishing(writes, changes.publisher);
  const consent = createConsent({ ...infra, writes, purposes: config.consent.purposes });
  const identity = await createIdentity({
    ...infra,
    settings: config.identity,
    matchingSettings: config.matching,
    rules,
    ownRules,
    segments: config.segments,
    consents: consent.repository,
  });
  const customers = createCustomers({ ...infra, normalizer: identity.normalizer });
  const audit = createAudit({ ...infra, settings: config.audit, redis });
  const privacy = createPrivacy({
    ...infra,
    writes,
    settings: config.privacy,
    redis,
    jobs,
    normalizer: identity.normalizer,
    customers: customers.repository,
    audit: audit.trail,
    memberships: { leaveAll: (tx, ids) => segments.evaluator.leaveAllIn(tx, ids) },
  });
  const deadLetters = createDeadLetters(infra);
  const ingestion = createIngestion({
    ...infra,
    writes,
    settings: config.ingest,
    resolution: identity.resolution,
    deadLetters: deadLetters.repository,
    normalizer: identity.normalizer,
    suppressions: privacy.suppressionFilter,
    purposes: consent.purposes,
  });
  const stewardship = createStewardship({ ...infra, writes, resolution: identity.resolution, identity });
  const matchRules = createMatchRules({ ...infra, writes, jobs, settings: config.matching, identity });
  const retention = createRetention({ ...infra, writes, settings: config.retention, anonymousTypes: config.identity.types.anonymousTypes, jobs });
  const streaming = createStreaming({ ...infra, config, redis, ingestion: ingestion.service, batchLimit: ingestion.batchLimit, payloadGuard: ingestion.payloadGuard });
  const auth = createAuth(config.auth);

  // Whole-population evaluations a stopped instance left unfinished continue here once their lease lapses.
  await segments.start();
  changes.startRelay();
  await privacy.start();
  retention.start();
  matchRules.start();

  const schema = await buildAppSchema(changes.pubSub, {
    policy: !withoutPolicyLayer,
    instances: [
      ...identity.resolvers,
      ...customers.resolvers,
      ...ingestion.resolvers,
      ...deadLetters.resolvers(ingestion.service, ingestion.payloadGuard),
      ...changes.resolvers(segments),
      ...audit.resolvers,
      ...consent.resolvers,
      ...privacy.resolvers,
      ...segments.resolvers,
      ...stewardship.resolvers,
      ...matchRules.resolvers,
      new DataDictionaryResolver(),
    ],
  });
  const scope: RequestScope = { loaders: customers.loaders, piiReads: audit.readLog };
  const rateLimiter = OperationRateLimiter.create(config.limits.rate, redis);
  const { apollo, httpServer } = await createHttpServer({
    config,
    schema,
    scope,
    db,
    metrics,
    logger,
    verifier: auth.verifier,
    rateLimiter,
    graphiqlToken: auth.graphiqlToken,
    tracking: streaming.tracking,
  });
  streaming.worker?.start();

  return {
    /** What tests, commands and benchmarks call directly; resolvers get theirs from their modules. */
    services: {
      ingestion: ingestion.service,
      deadLetters: deadLetters.repository,
      customers: customers.repository,
      normalizer: identity.normalizer,
      audit: audit.trail,
      consent: consent.service,
      consentPurposes: consent.purposes,
      erasure: privacy.erasure,
      exports: privacy.exports,
      matchModels: identity.matchModels,
      stewardship: stewardship.decisions,
      segments: { service: segments.service, repository: segments.repository, disclosure: segments.disclosure },
    },
    /**
     * Customer and consent changes. CONSENT_CHANGED stays in this process (for consumers such as segments); the
     * per-customer topics reach every instance when Redis is configured.
     */
    pubSub: changes.pubSub,
    /** Publishes what committed transactions changed; tests reach the membership outbox through it. */
    changes: changes.publisher,
    /** Runs every write with its consequences; a new consequence is one `writes.register(...)`. */
    writes,
    /** Background segment work, for tests: wait for whole-population runs, run due window rechecks now. */
    segments: { population: segments.population, windows: segments.windows, evaluator: segments.evaluator },
    /** The durable feed of segment membership changes: segment evaluation appends after commit, subscriptions read. */
    feed: changes.feed,
    retention: retention.job,
    metrics,
    /** The match rules in force on this instance (their version is what links and merges record). */
    ruleBook: identity.ruleBook,
    /** Rule changes: proposals in shadow, activations and rollbacks (`drain()` runs their walks to the end). */
    matchRules: matchRules.changes,
    schema,
    apollo,
    httpServer,
    verifier: auth.verifier,
    rateLimiter,
    /** Appends identity events for the worker (`ingestStream.append(events)`); null without REDIS_URL. */
    ingestStream: streaming.ingestStream,
    /** The stream consumer running in this process (INGEST_WORKER_IN_PROCESS, or `npm run worker`); else null. */
    ingestWorker: streaming.worker,
    /** Dev mode without SEGMENT_WRITE_KEYS: the generated write key for the Segment-spec endpoint. */
    segmentDevWriteKey: streaming.devWriteKey,
    /** Mints HS256 tokens (dev mode, tests); null when tokens come from an identity provider's JWKS. */
    minter: auth.minter,
    /** Runs an operation in-process, with a fresh context, as a request by `principal` would. */
    execute: <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, principal: Principal = ANONYMOUS) =>
      apollo.executeOperation<T>({ query, variables }, { contextValue: createContext(scope, principal) }),
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
      await streaming.worker?.stop();
      await apollo.stop();
      await privacy.drain();
      if (httpServer.listening) {
        httpServer.close();
        await once(httpServer, 'close');
      }
      await changes.close();
      try {
        await audit.stop();
      } finally {
        await closeRedis(redis);
      }
    },
  };
}
