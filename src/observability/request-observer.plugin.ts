import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from './logger';
import type { Metrics } from './metrics';

const OPERATION_LABELS_KEPT = 200;
const OTHER_OPERATIONS = '(other)';

/**
 * One log line and one latency sample per GraphQL request, with error codes counted. Only the operation's name,
 * type and the codes are recorded: never variables or results, which carry personal data.
 */
export function requestObserver<Context extends { requestId: string }>(logger: Logger, metrics: Metrics): ApolloServerPlugin<Context> {
  // Operation names are the client's to choose, and each label set is a histogram kept for the life of the process:
  // past this many names the rest share one, or a client naming every request anew grows memory and /metrics forever.
  const labelled = new Set<string>();
  const label = (name: string) => (labelled.has(name) || (labelled.size < OPERATION_LABELS_KEPT && labelled.add(name)) ? name : OTHER_OPERATIONS);
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      return {
        async willSendResponse({ operationName, operation, response }) {
          const seconds = (performance.now() - started) / 1000;
          const name = operationName ?? 'anonymous';
          const type = operation?.operation ?? 'unknown';
          metrics.requestDuration.observe({ operation: label(name), type }, seconds);
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
