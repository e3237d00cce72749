import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { ChangePublisher } from './changes/change-publisher';
import { createAppPubSub } from './changes/pubsub';
import type { Config } from './config/config';
import { tokenSettings } from './auth/auth-settings';
import { ANONYMOUS, type Principal } from './auth/principal';
import { TokenMinter } from './auth/token-minter';
import { TokenVerifier } from './auth/token-verifier';
import { CustomerRepository } from './customers/customer.repository';
import { DeadLetterRepository } from './dead-letters/dead-letter.repository';
import { IdentifierNormalizer } from './identity/identifier-normalizer';
import { IdentityRepository } from './identity/identity.repository';
import { identityRules, type IdentityRules } from './identity/identity-rules';
import { ResolutionService } from './identity/resolution.service';
import { CypherRegistry } from './infra/neo4j/cypher-registry';
import type { Database } from './infra/neo4j/database';
import { migrate } from './infra/neo4j/migrations';
import { IngestionService } from './ingestion/ingestion.service';
import type { Logger } from './observability/logger';
import { createMetrics } from './observability/metrics';
import { buildAppSchema } from './schema/build-schema';
import { createContext, type AppServices } from './server/context';
import { createHttpServer } from './server/http-server';
import Redis from 'ioredis';
import { NoAuditTrailYet } from './privacy/audit-reader';
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
};

export type App = Awaited<ReturnType<typeof createApp>>;

/** The composition root: migrations, services, schema and server, for `npm start`, tests and benchmarks alike. */
export async function createApp({ config, db, logger, rules, clock }: AppOptions) {
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
  const resolution = new ResolutionService(
    identityRepository,
    { rules: activeRules, ruleVersion, sourcePriority: config.identity.sourcePriority },
    clock,
  );
  const pubSub = createAppPubSub();
  if (config.privacy.suppressionSaltIsDevDefault) {
    logger.warn('SUPPRESSION_SALT is not set: using the public development salt (refused in production)');
  }
  const hasher = new SuppressionHasher(config.privacy.suppressionSalt);
  const suppressions = new SuppressionRepository(registry);
  // Commands fail fast instead of queueing while Redis is away: a failed erasure is retried, a hung one is not.
  const redis = config.redis.url
    ? new Redis(config.redis.url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true, retryStrategy: (times) => (times > 3 ? null : 200) })
    : null;
  const customers = new CustomerRepository(db, registry);
  const erasure = new ErasureService({
    db,
    repository: new ErasureRepository(db, registry),
    suppressions,
    hasher,
    normalizer,
    cache: new CustomerCache(redis),
    metrics,
    logger,
    batchSize: config.privacy.erasureBatchSize,
    clock,
  });
  const services: AppServices = {
    ingestion: new IngestionService(
      db,
      resolution,
      deadLetters,
      normalizer,
      metrics,
      new ChangePublisher(pubSub, clock),
      new SuppressionFilter(hasher, suppressions, normalizer),
      config.ingest.maxBatch,
      clock,
    ),
    deadLetters,
    customers,
    normalizer,
    erasure,
    // NoAuditTrailYet is the placeholder the audit trail's AuditTrail service replaces (it has entriesFor).
    exports: new CustomerExportService(db, registry, customers, erasure, new NoAuditTrailYet(), clock),
  };
  // An accepted erasure is never lost: whatever a stop or a crash left unfinished runs again now.
  await erasure.resumePending();

  const tokens = tokenSettings(config.auth);
  const verifier = new TokenVerifier(tokens);
  const schema = await buildAppSchema(pubSub);
  const { apollo, httpServer } = await createHttpServer({ schema, services, db, metrics, logger, verifier });

  return {
    services,
    metrics,
    ruleVersion,
    schema,
    apollo,
    httpServer,
    verifier,
    /** Mints HS256 tokens (dev mode, tests); null when tokens come from an identity provider's JWKS. */
    minter: tokens.secret ? new TokenMinter(tokens.secret, tokens.issuer, tokens.audience) : null,
    /** Runs an operation in-process, with a fresh context, as a request by `principal` would. */
    execute: <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, principal: Principal = ANONYMOUS) =>
      apollo.executeOperation<T>({ query, variables }, { contextValue: createContext(services, principal) }),
    async listen(host: string, port: number): Promise<string> {
      httpServer.listen(port, host);
      await once(httpServer, 'listening');
      const address = httpServer.address() as AddressInfo;
      return `http://${host}:${address.port}`;
    },
    async stop(): Promise<void> {
      await apollo.stop();
      await erasure.drain();
      redis?.disconnect();
      if (httpServer.listening) {
        httpServer.close();
        await once(httpServer, 'close');
      }
    },
  };
}
