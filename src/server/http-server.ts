import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { WebSocketServer } from 'ws';
import { ANONYMOUS, type Principal } from '../auth/principal';
import { TokenVerifier } from '../auth/token-verifier';
import { graphiqlRouter } from '../graphiql/graphiql.router';
import type { Database } from '../infra/neo4j/database';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { requestObserver } from '../observability/request-observer.plugin';
import { createContext, type AppContext, type AppServices } from './context';
import { formatError } from './format-error';

type Transport = {
  schema: GraphQLSchema;
  services: AppServices;
  db: Database;
  metrics: Metrics;
  logger: Logger;
  verifier: TokenVerifier;
};

type SocketExtra = { principal?: Principal; expiryTimer?: NodeJS.Timeout };

/** The token a graphql-ws client sends in connection_init: `{ Authorization: "Bearer …" }` or `{ token: "…" }`. */
function connectionToken(params: Record<string, unknown> | undefined): string | null {
  const header = params?.Authorization ?? params?.authorization;
  if (typeof header === 'string') return TokenVerifier.bearerToken(header);
  return typeof params?.token === 'string' ? params.token : null;
}

/**
 * One HTTP server for everything a client reaches: GraphQL over HTTP and graphql-ws on /graphql, GraphiQL,
 * health and metrics. Apollo is started; the caller listens and stops.
 */
export async function createHttpServer({ schema, services, db, metrics, logger, verifier }: Transport) {
  const app = express();
  const httpServer = http.createServer(app);
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const wsCleanup = useServer<Record<string, unknown>, SocketExtra>(
    {
      schema,
      // A bad token refuses the connection (graphql-ws closes it with 4403 Forbidden); none means anonymous.
      onConnect: async ({ connectionParams, extra }) => {
        try {
          const token = connectionToken(connectionParams);
          extra.principal = token ? await verifier.verify(token) : ANONYMOUS;
        } catch (error) {
          logger.info({ reason: (error as Error).message }, 'websocket connection refused');
          return false;
        }
        const expiresAt = extra.principal.expiresAt;
        if (expiresAt) {
          // An expired token ends the connection and with it every subscription it carried.
          const socket = (extra as unknown as { socket: import('ws').WebSocket }).socket;
          extra.expiryTimer = setTimeout(
            () => socket.close(CloseCode.Forbidden, 'Forbidden: token expired'),
            Math.max(0, expiresAt.getTime() - Date.now()),
          );
          extra.expiryTimer.unref();
        }
        return true;
      },
      onClose: ({ extra }) => clearTimeout(extra.expiryTimer),
      context: ({ extra }) => createContext(services, extra.principal ?? ANONYMOUS),
    },
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
        const token = TokenVerifier.bearerToken(req.header('authorization'));
        const principal = token ? await verifier.verify(token) : ANONYMOUS;
        return createContext(services, principal, requestId);
      },
    }),
  );
  // Express would print a failed request's error to stderr, and a malformed JSON body's error quotes the body.
  app.use((error: { status?: number; statusCode?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const status = error.status ?? error.statusCode ?? 500;
    if (status >= 500) logger.error({ err: error }, 'http request failed');
    res.status(status).json({
      errors: [
        status < 500
          ? { message: 'The request body is not valid JSON or is too large', extensions: { code: 'BAD_USER_INPUT' } }
          : { message: 'Internal error', extensions: { code: 'INTERNAL' } },
      ],
    });
  });
  return { apollo, httpServer };
}
