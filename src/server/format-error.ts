import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { Neo4jError } from 'neo4j-driver';
import type { Logger } from '../observability/logger';

const UNAVAILABLE = new Set(['ServiceUnavailable', 'SessionExpired']);

/**
 * The one place errors meet clients: typed errors keep their code, a lost database becomes SERVICE_UNAVAILABLE,
 * and anything unexpected is logged and masked as INTERNAL.
 */
export function formatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const code = formatted.extensions?.code;
    if (original instanceof Neo4jError && UNAVAILABLE.has(original.code)) {
      return { ...formatted, message: 'The database is unavailable; retry shortly', extensions: { code: 'SERVICE_UNAVAILABLE' } };
    }
    if (code === undefined || code === 'INTERNAL_SERVER_ERROR') {
      logger.error({ err: original, path: formatted.path }, 'unexpected error in a resolver');
      return { message: 'Internal error', path: formatted.path, locations: formatted.locations, extensions: { code: 'INTERNAL' } };
    }
    return formatted;
  };
}
