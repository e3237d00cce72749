import { z } from 'zod';
import { section, variable } from './declare';
import { positiveInt } from './values';

export const limits = section(
  'Abuse limits',
  'Checked before anything executes, the same on HTTP and graphql-ws (see src/server/operation-limits.ts).',
  {
    operation: {
      maxDepth: variable('GRAPHQL_MAX_DEPTH', positiveInt.default(6), 'deepest selection of an operation, measured through fragments'),
      maxAliases: variable('GRAPHQL_MAX_ALIASES', positiveInt.default(15), 'most aliases in an operation'),
      maxDirectives: variable('GRAPHQL_MAX_DIRECTIVES', positiveInt.default(50), 'most directives in an operation'),
      maxTokens: variable('GRAPHQL_MAX_TOKENS', positiveInt.default(1000), 'most tokens in a document'),
      maxCost: variable(
        'GRAPHQL_MAX_COST',
        positiveInt.default(5000),
        "highest cost of an operation (objects 2, scalars 1, ×1.5 per level, × each connection's page), priced with its variables",
      ),
    },
    httpMaxBodyBytes: variable('HTTP_MAX_BODY_BYTES', positiveInt.default(1024 * 1024), 'largest HTTP request body'),
    wsMaxMessageBytes: variable('WS_MAX_MESSAGE_BYTES', positiveInt.default(64 * 1024), 'largest graphql-ws message'),
    wsMaxSubscriptionsPerConnection: variable('WS_MAX_SUBSCRIPTIONS_PER_CONNECTION', positiveInt.default(100), 'open subscriptions per graphql-ws connection'),
    rate: {
      points: variable(
        'RATE_LIMIT_POINTS',
        z.coerce.number().int().min(0).default(1200),
        'operations per principal per window (token subject; client address when anonymous); `0`: rate limiting off',
      ),
      durationSeconds: variable('RATE_LIMIT_DURATION_SECONDS', positiveInt.default(60), 'the rate window, in seconds'),
    },
  },
);

export type LimitSettings = z.infer<typeof limits.schema>;
