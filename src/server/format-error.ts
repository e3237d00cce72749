import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, Kind, type GraphQLFormattedError } from 'graphql';
import { isTemporaryFailure } from '../infra/neo4j/database';
import type { Logger } from '../observability/logger';

/**
 * The one place errors meet clients: typed errors keep their code, a lost database becomes SERVICE_UNAVAILABLE,
 * and anything unexpected is logged and masked as INTERNAL. In production, messages that name the schema or quote
 * what the caller sent are replaced (see `hideSchema`).
 */
export function formatError(logger: Logger, { production }: { production: boolean }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    // Status and headers for HTTP (Apollo takes them out first); over graphql-ws they mean nothing to a client.
    if (formatted.extensions?.http !== undefined) {
      const { http: _http, ...extensions } = formatted.extensions;
      formatted = { ...formatted, extensions };
    }
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
    return production ? hideSchema(formatted, error) : formatted;
  };
}

/**
 * graphql-js words its refusals with what introspection hides: types, fields, arguments and enum values ("Did you
 * mean the enum value EMAIL?", 'Cannot query field "x" on type "Customer"') and the values a caller sent
 * ('Variable "$id" got invalid value ...'). Production keeps the code, the location and the variable's name only.
 * Limit refusals (`extensions.limit`) name nothing but numbers and stay as they are.
 */
function hideSchema(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const variable = refusedVariable(error);
  if (variable !== null) {
    return { ...formatted, message: `Variable "$${variable}" is missing or invalid (details are not given in production)` };
  }
  if (formatted.extensions?.code === 'GRAPHQL_VALIDATION_FAILED' && formatted.extensions.limit === undefined) {
    return { ...formatted, message: 'The operation does not match the schema (details are not given in production)' };
  }
  return formatted;
}

/** The variable named by a coercion error (graphql-js ties those to the variable's definition, and nothing else). */
function refusedVariable(error: unknown): string | null {
  const node = error instanceof GraphQLError && error.nodes?.length === 1 ? error.nodes[0] : undefined;
  return node?.kind === Kind.VARIABLE_DEFINITION ? node.variable.name.value : null;
}
