import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { WebSocketServer } from 'ws';
import { graphiqlRouter } from '../graphiql/graphiql.router';
import type { Database } from '../infra/neo4j/database';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { requestObserver } from '../observability/request-observer.plugin';
import { createContext, type AppContext, type AppServices } from './context';
import { formatError } from './format-error';

type Transport = { schema: GraphQLSchema; services: AppServices; db: Database; metrics: Metrics; logger: Logger };

/**
 * One HTTP server for everything a client reaches: GraphQL over HTTP and graphql-ws on /graphql, GraphiQL,
 * health and metrics. Apollo is started; the caller listens and stops.
 */
export async function createHttpServer({ schema, services, db, metrics, logger }: Transport) {
  const app = express();
  const httpServer = http.createServer(app);
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
  return { apollo, httpServer };
}
