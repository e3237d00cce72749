import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config/config';
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
import { requestObserver } from './observability/request-observer.plugin';
import { buildAppSchema } from './schema/build-schema';
import { createContext, type AppContext, type AppServices } from './server/context';
import { ChangePublisher } from './changes/change-publisher';
import { createAppPubSub } from './changes/pubsub';
import { graphiqlRouter } from './graphiql/graphiql.router';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { formatError } from './server/format-error';

export type AppOptions = {
  config: Config;
  db: Database;
  logger: Logger;
  /** Overrides the configured match rules (tests switch merge protection off). */
  rules?: IdentityRules;
  clock?: () => Date;
};

export type App = Awaited<ReturnType<typeof createApp>>;

/** The composition root: migrations, services and the HTTP server, for `npm start` and for tests alike. */
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
  const services: AppServices = {
    ingestion: new IngestionService(
      db,
      resolution,
      deadLetters,
      normalizer,
      metrics,
      new ChangePublisher(pubSub, clock),
      config.ingest.maxBatch,
      clock,
    ),
    deadLetters,
    customers: new CustomerRepository(db, registry),
    normalizer,
  };

  const schema = await buildAppSchema(pubSub);
  const app = express();
  const httpServer = http.createServer(app);
  // Subscriptions over graphql-ws on the same server and path as queries.
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const wsCleanup = useServer<Record<string, unknown>, { context?: AppContext }>(
    { schema, context: () => createContext(services) },
    wsServer,
  );
  const apollo = new ApolloServer<AppContext>({
    schema,
    formatError: formatError(logger),
    introspection: true,
    // main.ts owns signals: it stops Apollo, then the database, then the Neo4j it started, in that order.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // GraphiQL is served offline at /graphiql/; Apollo's landing page would load from a CDN.
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      { serverWillStart: async () => ({ drainServer: async () => void (await wsCleanup.dispose()) }) },
      requestObserver(logger, metrics),
    ],
  });
  await apollo.start();

  app.use('/graphiql', graphiqlRouter());
  app.get('/graphiql', (_req, res) => res.redirect(301, '/graphiql/'));
  app.get('/health/live', (_req, res) => void res.json({ status: 'live' }));
  app.get('/health/ready', async (_req, res) => {
    if (!db.available) return void res.status(503).json({ status: 'not ready', reason: 'neo4j unreachable' });
    try {
      await db.driver.getServerInfo();
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'not ready', reason: 'neo4j unreachable' });
    }
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.use(
    '/graphql',
    express.json({ limit: '16mb' }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        // A caller's request id is kept (tracing across services); otherwise one is made. Either way it is echoed.
        const requestId = req.header('x-request-id') ?? randomUUID();
        res.setHeader('x-request-id', requestId);
        return createContext(services, requestId);
      },
    }),
  );

  return {
    services,
    metrics,
    ruleVersion,
    schema,
    apollo,
    httpServer,
    /** Runs an operation in-process, with a fresh context, as a request would. */
    execute: <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>) =>
      apollo.executeOperation<T>({ query, variables }, { contextValue: createContext(services) }),
    async listen(host: string, port: number): Promise<string> {
      httpServer.listen(port, host);
      await once(httpServer, 'listening');
      const address = httpServer.address() as AddressInfo;
      return `http://${host}:${address.port}`;
    },
    async stop(): Promise<void> {
      await apollo.stop();
      if (httpServer.listening) {
        httpServer.close();
        await once(httpServer, 'close');
      }
    },
  };
}
