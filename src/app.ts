import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { AuditRepository } from './audit/audit.repository';
import { AuditTrail } from './audit/audit-trail';
import { ChangePublisher } from './changes/change-publisher';
import { connectAppPubSub } from './changes/app-pubsub';
import { createMembershipFeed } from './changes/create-membership-feed';
import type { Config } from './config/config';
import { tokenSettings } from './auth/auth-settings';
import { ANONYMOUS, type Principal } from './auth/principal';
import { TokenMinter } from './auth/token-minter';
import { TokenVerifier } from './auth/token-verifier';
import { ConsentPurposes } from './consent/consent-purposes';
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
import { migrate } from './infra/neo4j/migrations';
import { closeRedis, connectRedis } from './infra/redis/redis-client';
import { IngestionService } from './ingestion/ingestion.service';
import type { Logger } from './observability/logger';
import { createMetrics } from './observability/metrics';
import { buildAppSchema } from './schema/build-schema';
import { RetentionJob } from './retention/retention-job';
import { scheduleRetention } from './retention/retention-schedule';
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

/** The composition root: migrations, services, schema and server, for `npm start`, tests and benchmarks alike. */
export async function createApp({ config, db, logger, rules, clock, withoutPolicyLayer = false }: AppOptions) {
  const registry = new CypherRegistry();
  const applied = await migrate(db, registry);
  if (applied.length > 0) logger.info({ migrations: applied.map((m) => `${m.version}-${m.name}`) }, 'schema migrations applied');

  const identityRepository = new IdentityRepository(registry);
  const activeRules = rules ?? identityRules(config.identity.limits, config.identity.priority);
  const ruleVersion = await db.write((tx) => ResolutionService.ruleVersionFor(identityRepository, tx, activeRules, config.identity));
  const normalizer = new IdentifierNormalizer(config.identity);
  const metrics = createMetrics();
  db.onQuery((query, elapsedMs) => metrics.neo4jQueryDuration.observe({ query: registry.nameOf(query) }, elapsedMs / 1000));
  const deadLetters = new DeadLetterRepository(db, registry);
  const consentRepository = new ConsentRepository(registry);
  const consentPurposes = new ConsentPurposes(config.consent.purposes);
  const resolution = new ResolutionService(
    identityRepository,
    consentRepository,
    { rules: activeRules, ruleVersion, sourcePriority: config.identity.sourcePriority },
    clock,
  );
  const redis = await connectRedis(config.redis.url, logger);
  const events = connectAppPubSub(config.redis.url, redis, logger);
  const pubSub = events.pubSub;
  const feed = await createMembershipFeed(config, redis, logger, clock);
  const changes = new ChangePublisher(pubSub, clock);
  if (config.privacy.suppressionSaltIsDevDefault) {
    logger.warn('SUPPRESSION_SALT is not set: using the public development salt (refused in production)');
  }
  const hasher = new SuppressionHasher(config.privacy.suppressionSalt);
  const suppressions = new SuppressionRepository(registry);
  const customers = new CustomerRepository(db, registry);
  const erasure = new ErasureService({
    db,
    repository: new ErasureRepository(db, registry, { holder: randomUUID(), seconds: ERASURE_LEASE_SECONDS }),
    suppressions,
    hasher,
    normalizer,
    cache: new CustomerCache(redis),
    metrics,
    logger,
    batchSize: config.privacy.erasureBatchSize,
    clock,
  });
  const audit = new AuditTrail(new AuditRepository(db, registry), metrics, logger, { ...config.audit, clock });
  const services: AppServices = {
    ingestion: new IngestionService(
      db,
      resolution,
      deadLetters,
      normalizer,
      metrics,
      changes,
      new SuppressionFilter(hasher, suppressions, normalizer),
      consentPurposes,
      config.ingest.maxBatch,
      clock,
    ),
    deadLetters,
    customers,
    normalizer,
    audit,
    consent: new ConsentService(db, consentRepository, consentPurposes, changes, clock),
    consentPurposes,
    erasure,
    exports: new CustomerExportService(db, registry, customers, erasure, audit, clock),
    feed,
  };
  // An accepted erasure is never lost: whatever a stop or a crash left unfinished runs again now.
  await erasure.resumePendingEvery(config.privacy.erasureResumeIntervalMs);

  const retention = new RetentionJob(db, registry, config.retention, logger, clock);
  const retentionSchedule =
    retention.enabled && config.retention.intervalMinutes > 0 ? scheduleRetention(retention, config.retention.intervalMinutes, logger) : null;

  const tokens = tokenSettings(config.auth);
  const verifier = new TokenVerifier(tokens);
  const minter = tokens.secret ? new TokenMinter(tokens.secret, tokens.issuer, tokens.audience) : null;
  const graphiqlToken = config.auth.devMode && minter ? () => minter.mint({ role: 'admin', subject: 'graphiql-dev' }) : undefined;
  const schema = await buildAppSchema(pubSub, { policy: !withoutPolicyLayer });
  const rateLimiter = OperationRateLimiter.create(config.limits.rate, redis);
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
  });

  return {
    services,
    /**
     * Customer and consent changes. CONSENT_CHANGED stays in this process (for consumers such as segments); the
     * per-customer topics reach every instance when Redis is configured.
     */
    pubSub,
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
      await retentionSchedule?.stop();
      await apollo.stop();
      await erasure.drain();
      if (httpServer.listening) {
        httpServer.close();
        await once(httpServer, 'close');
      }
      await feed.close();
      await events.close();
      await closeRedis(redis);
      await services.audit.stop();
    },
  };
}
