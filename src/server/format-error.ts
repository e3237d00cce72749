import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { isTemporaryFailure } from '../infra/neo4j/database';
import type { Logger } from '../observability/logger';

/**
 * The one place errors meet clients: typed errors keep their code, a lost database becomes SERVICE_UNAVAILABLE,
 * and anything unexpected is logged and masked as INTERNAL.
 */
export function formatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const code = formatted.extensions?.code;
    if (isTemporaryFailure(original)) {
      logger.warn({ err: original, path: formatted.path }, 'temporary database failure');
      return {
        ...formatted,
        message: 'The database is unavailable or busy; retry shortly (writes are idempotent by messageId)',
        extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true },
      };
    }
    if (code === undefined || code === 'INTERNAL_SERVER_ERROR') {
      logger.error({ err: original, path: formatted.path }, 'unexpected error in a resolver');
      return { message: 'Internal error', path: formatted.path, locations: formatted.locations, extensions: { code: 'INTERNAL' } };
    }
    return formatted;
  };
}
