import { ApolloServer, HeaderMap } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type ErrorRequestHandler } from 'express';
import { GraphQLError, getOperationAST, type GraphQLSchema } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { ANONYMOUS, type Principal } from '../auth/principal';
import { TokenVerifier } from '../auth/token-verifier';
import type { Config } from '../config/config';
import { piiReadAudit } from '../audit/pii-read-audit.plugin';
import { admitClearReads, clearReadAdmission } from '../policy/clear-read-admission';
import { authorizeDocument, operationAuthorization } from '../policy/operation-authorization';
import { graphiqlRouter } from '../graphiql/graphiql.router';
import type { Database } from '../infra/neo4j/database';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { requestObserver } from '../observability/request-observer.plugin';
import { ConnectionExpiry } from './connection-expiry';
import { createContext, type AppContext, type RequestScope } from './context';
import { serveGraphqlWs } from './graphql-ws-transport';
import { sharedSubscribe } from './shared-subscription-execution';
import { formatError } from './format-error';
import { metricsAccess } from './metrics-access';
import { AppError } from '../shared/errors';
import { OperationLimits } from './operation-limits';
import { RateLimitedError, rateLimitKey, type OperationRateLimiter } from './rate-limiter';

type Transport = {
  config: Config;
  schema: GraphQLSchema;
  /** What each request gets from the modules (loaders, the PII read log). */
  scope: RequestScope;
  db: Database;
  metrics: Metrics;
  logger: Logger;
  verifier: TokenVerifier;
  rateLimiter: OperationRateLimiter;
  /** Dev mode: a fresh admin token preset in GraphiQL's headers. */
  graphiqlToken?: () => Promise<string>;
  /** The Segment-spec tracking endpoint, mounted at /v1. */
  tracking?: express.Router;
};

/** What a connection keeps besides its socket and peer address (SocketExtra). */
type ConnectionState = {
  principal?: Principal;
  /** Ids of the subscriptions this connection started; those still open count against the per-connection limit. */
  subscriptionIds?: Set<string>;
};

/** The token a graphql-ws client sends in connection_init: `{ Authorization: "Bearer …" }` or `{ token: "…" }`. */
function connectionToken(params: Record<string, unknown> | undefined): string | null {
  const header = params?.Authorization ?? params?.authorization;
  if (typeof header === 'string') return TokenVerifier.bearerToken(header);
  return typeof params?.token === 'string' ? params.token : null;
}

/** A body over the limit is refused before it is parsed, as JSON a GraphQL client can read. */
function payloadTooLarge(maxBytes: number, metrics: Metrics): ErrorRequestHandler {
  return (error, _req, res, next) => {
    if ((error as { type?: string }).type !== 'entity.too.large') return next(error);
    metrics.limitRejections.inc({ limit: 'body', transport: 'http' });
    res.status(413).json({
      errors: [{ message: `Request body larger than ${maxBytes} bytes`, extensions: { code: 'PAYLOAD_TOO_LARGE', maxBytes } }],
    });
  };
}

/** graphql-ws answers an operation it cannot pick (unknown name, several and none named) without a code: Apollo's, as on HTTP. */
const unresolvedOperation = (name: string | null | undefined) =>
  new GraphQLError(name ? `Unknown operation named "${name}".` : 'Must provide operation name if query contains multiple operations.', {
    extensions: { code: 'OPERATION_RESOLUTION_FAILURE' },
  });

/**
 * One HTTP server for everything a client reaches: GraphQL over HTTP and graphql-ws on /graphql, GraphiQL,
 * health and metrics. Apollo is started; the caller listens and stops.
 */
export async function createHttpServer({ config, schema, scope, db, metrics, logger, verifier, rateLimiter, graphiqlToken, tracking }: Transport) {
  const production = config.env === 'production';
  const limits = new OperationLimits(config.limits.operation, production, metrics);
  const maxSubscriptions = config.limits.wsMaxSubscriptionsPerConnection;
  const mapError = formatError(logger, { production });
  const app = express();
  // X-Powered-By names the framework, and with it which advisories to try.
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: config.limits.wsMaxMessageBytes });
  const expiry = new ConnectionExpiry<WebSocket>((socket) => socket.close(CloseCode.Forbidden, 'Forbidden: token expired'));
  const wsCleanup = serveGraphqlWs<Record<string, unknown>, ConnectionState>(
    {
      schema,
      // Apollo's validation, limits, CSRF checks and plugins never see this path: every operation (graphql-ws
      // carries queries and mutations too) is rate limited, parsed, validated and authorised here with the same rules.
      onSubscribe: async (ctx, id, payload) => {
        const principal = ctx.extra.principal ?? ANONYMOUS;
        const decision = await rateLimiter.consume(rateLimitKey(principal, ctx.extra.remoteAddress));
        if (!decision.allowed) {
          metrics.limitRejections.inc({ limit: 'rate', transport: 'ws' });
          return [new RateLimitedError(decision.retryAfterSeconds)];
        }
        const checked = limits.check(schema, payload.query);
        if ('errors' in checked) return checked.errors;
        const operation = getOperationAST(checked.document, payload.operationName);
        if (!operation) return [unresolvedOperation(payload.operationName)];
        // Every root field is authorised before anything runs, then the operation is priced with its variables.
        const refusal = authorizeDocument(principal, checked.document, payload.operationName);
        if (refusal) return [refusal];
        const refused = limits.vet(schema, checked.document, operation, payload.variables);
        if (refused.length > 0) return refused;
        if (operation.operation === 'subscription') {
          // graphql-ws holds every open operation in ctx.subscriptions, so ended ones drop out of the count by themselves.
          const open = (ctx.extra.subscriptionIds ??= new Set());
          for (const started of open) if (!(started in ctx.subscriptions)) open.delete(started);
          if (open.size >= maxSubscriptions) {
            metrics.limitRejections.inc({ limit: 'subscriptions', transport: 'ws' });
            return [
              new AppError('TOO_MANY_SUBSCRIPTIONS', `at most ${maxSubscriptions} subscriptions per connection: complete one first`, {
                maxSubscriptions,
              }),
            ];
          }
          open.add(id);
        }
        // A query or mutation may be refused for the audit backlog now; a subscription at each event (sharedSubscribe).
        if (operation.operation !== 'subscription') {
          try {
            admitClearReads(principal, schema, checked.document, { piiReads: scope.piiReads() });
          } catch (error) {
            return [error as GraphQLError];
          }
        }
        // No contextValue: graphql-ws then builds it with `context` below, per operation.
        return { schema, document: checked.document, operationName: payload.operationName, variableValues: payload.variables };
      },
      // A bad token refuses the connection (graphql-ws closes it with 4403 Forbidden); none means anonymous.
      onConnect: async (ctx) => {
        const { connectionParams, extra } = ctx;
        try {
          const token = connectionToken(connectionParams);
          extra.principal = token ? await verifier.verify(token) : ANONYMOUS;
          // A connection lives for hours, mostly idle: it keeps what it needs, not the connection parameters with the
          // token text (the verified principal stands for it).
          (ctx as { connectionParams?: unknown }).connectionParams = undefined;
        } catch (error) {
          logger.info({ reason: (error as Error).message }, 'websocket connection refused');
          return false;
        }
        // An expired token ends the connection and with it every subscription it carried.
        if (extra.principal.expiresAt) expiry.add(extra.socket, extra.principal.expiresAt);
        return true;
      },
      onClose: ({ extra }) => expiry.remove(extra.socket),
      // Refusals and a stream's failure go out as an `error` message: mapped like every other error.
      onError: (_ctx, _id, _payload, errors) => errors.map((error) => mapError(error.toJSON(), error)),
      // Each result or subscription event that goes out records the clear PII reads it carried, and its errors are
      // mapped as on HTTP (a driver message quoting a value never reaches a client).
      onNext: (_ctx, _id, _payload, args, result) => {
        const context = args.contextValue as AppContext;
        context.piiReads.flush(context, logger);
        if (!result.errors?.length) return;
        return { ...result, errors: result.errors.map((error) => mapError(error.toJSON(), error)) };
      },
      context: ({ extra }) => createContext(scope, extra.principal ?? ANONYMOUS),
      subscribe: sharedSubscribe(),
    },
    wsServer,
    {
      onSocketError: (error) => {
        // ws has already closed the socket with 1009 (message too big); this only counts it.
        if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') metrics.limitRejections.inc({ limit: 'message_size', transport: 'ws' });
        else logger.warn({ reason: error.message }, 'websocket connection failed');
      },
      onInternalError: (error) => logger.error({ err: error }, 'websocket message handling failed'),
    },
  );
  const apollo = new ApolloServer<AppContext>({
    schema,
    formatError: mapError,
    introspection: !production,
    includeStacktraceInErrorResponses: config.env === 'development',
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    parseOptions: limits.parseOptions,
    validationRules: limits.validationRules('http'),
    // main.ts owns signals: it stops Apollo, then the database, then the Neo4j it started, in that order.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // GraphiQL is served offline at /graphiql/; Apollo's landing page would load from a CDN.
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      // Responses are per reader and carry no cache hints: Apollo's default cache-control plugin only wrapped every
      // field's resolver to compute a policy nobody uses (measured on the profile read).
      ApolloServerPluginCacheControlDisabled(),
      {
        serverWillStart: async () => ({
          drainServer: async () => {
            expiry.dispose();
            await wsCleanup.dispose();
          },
        }),
      },
      requestObserver(logger, metrics),
      piiReadAudit(logger),
      operationAuthorization(),
      ...limits.apolloPlugins(),
      clearReadAdmission(),
    ],
  });
  await apollo.start();

  app.use('/graphiql', graphiqlRouter(graphiqlToken));
  app.get('/health/live', (_req, res) => void res.json({ status: 'live' }));
  app.get('/health/ready', async (_req, res) => {
    if (!db.available) return void res.status(503).json({ status: 'not ready', reason: 'neo4j unreachable' });
    try {
      await db.ping();
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'not ready', reason: 'neo4j unreachable' });
    }
  });
  app.get('/metrics', metricsAccess(config.metrics.token, production), async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  if (tracking) app.use('/v1', tracking);
  app.use(
    '/graphql',
    express.json({ limit: config.limits.httpMaxBodyBytes }),
    payloadTooLarge(config.limits.httpMaxBodyBytes, metrics),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        // A caller's request id is kept (tracing across services); otherwise one is made. Either way it is echoed.
        // It ends up in logs and in the permanent audit chain: only a short, plain id is taken as given.
        const given = req.header('x-request-id');
        const requestId = given && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
        res.setHeader('x-request-id', requestId);
        const token = TokenVerifier.bearerToken(req.header('authorization'));
        const principal = token ? await verifier.verify(token) : ANONYMOUS;
        // Before parsing: an operation over budget costs the server nothing more than this lookup.
        const decision = await rateLimiter.consume(rateLimitKey(principal, req.ip));
        if (!decision.allowed) {
          metrics.limitRejections.inc({ limit: 'rate', transport: 'http' });
          const retryAfter = String(decision.retryAfterSeconds);
          throw new RateLimitedError(decision.retryAfterSeconds, { http: { status: 429, headers: new HeaderMap([['retry-after', retryAfter]]) } });
        }
        return createContext(scope, principal, requestId);
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
