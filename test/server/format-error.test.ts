import { GraphQLError, parse, type OperationDefinitionNode } from 'graphql';
import { Neo4jError } from 'neo4j-driver';
import { RetryableConflict } from '../../src/infra/neo4j/database';
import { createLogger } from '../../src/observability/logger';
import { formatError } from '../../src/server/format-error';
import { BadUserInputError } from '../../src/shared/errors';

describe('formatError, the one place errors meet clients', () => {
  const format = formatError(createLogger('silent'), { production: false });
  const wrap = (original: Error) => new GraphQLError(original.message, { originalError: original, path: ['x'] });

  it('keeps typed errors as they are', () => {
    const error = new BadUserInputError('first must be between 1 and 500', { argument: 'first' });
    expect(format(error.toJSON(), error)).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'first' } });
  });

  it('turns a lost or busy database into a retryable SERVICE_UNAVAILABLE', () => {
    for (const original of [new Neo4jError('gone', 'ServiceUnavailable', 'N/A', 'N/A'), new RetryableConflict('busy')]) {
      const error = wrap(original);
      expect(format(error.toJSON(), error)).toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true } });
    }
  });

  it('masks anything unexpected as INTERNAL without its message', () => {
    const error = wrap(new TypeError('secret detail about anna@example.com'));
    const formatted = format({ ...error.toJSON(), extensions: { code: 'INTERNAL_SERVER_ERROR' } }, error);
    expect(formatted).toEqual({ message: 'Internal error', path: ['x'], locations: undefined, extensions: { code: 'INTERNAL' } });
  });

  describe('in production', () => {
    const production = formatError(createLogger('silent'), { production: true });

    it("keeps the application's own messages and the limits' refusals", () => {
      const typed = new BadUserInputError('first must be between 1 and 1000', { argument: 'first' });
      expect(production(typed.toJSON(), typed).message).toBe('first must be between 1 and 1000');
      const limit = new GraphQLError('Query Cost limit of 5000 exceeded, found 6350.', { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost' } });
      expect(production(limit.toJSON(), limit).message).toBe('Query Cost limit of 5000 exceeded, found 6350.');
    });

    it('replaces what graphql-js says of the schema and of the values sent', () => {
      const invalid = new GraphQLError('Cannot query field "emial" on type "Customer". Did you mean "email"?', {
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      });
      expect(production(invalid.toJSON(), invalid)).toEqual({
        message: 'The operation does not match the schema (details are not given in production)',
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      });
      const [definition] = (parse('query($t: IdentifierType!) { x }').definitions[0] as OperationDefinitionNode).variableDefinitions!;
      const coercion = new GraphQLError('Variable "$t" got invalid value "EMAL"; Did you mean the enum value "EMAIL"?', {
        nodes: [definition],
        extensions: { code: 'BAD_USER_INPUT' },
      });
      expect(production(coercion.toJSON(), coercion).message).toBe('Variable "$t" is missing or invalid (details are not given in production)');
    });
  });
});
