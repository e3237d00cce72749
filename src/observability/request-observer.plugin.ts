import type { ApolloServerPlugin } from '@apollo/server';
import type { AppContext } from '../server/context';
import type { Logger } from './logger';
import type { Metrics } from './metrics';

/**
 * One log line and one latency sample per GraphQL request, with error codes counted. Only the operation's name,
 * type and the codes are recorded: never variables or results, which carry personal data.
 */
export function requestObserver(logger: Logger, metrics: Metrics): ApolloServerPlugin<AppContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      return {
        async willSendResponse({ operationName, operation, response }) {
          const seconds = (performance.now() - started) / 1000;
          const name = operationName ?? 'anonymous';
          const type = operation?.operation ?? 'unknown';
          metrics.requestDuration.observe({ operation: name, type }, seconds);
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          const codes = errors.map((error) => String(error.extensions?.code ?? 'INTERNAL'));
          for (const code of codes) metrics.errors.inc({ code });
          logger.info(
            { requestId: contextValue.requestId, operation: name, type, ms: Math.round(seconds * 10000) / 10, errors: codes },
            'graphql request',
          );
        },
      };
    },
  };
}
