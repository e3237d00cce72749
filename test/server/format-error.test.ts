import { GraphQLError } from 'graphql';
import { Neo4jError } from 'neo4j-driver';
import { RetryableConflict } from '../../src/infra/neo4j/database';
import { createLogger } from '../../src/observability/logger';
import { formatError } from '../../src/server/format-error';
import { BadUserInputError } from '../../src/shared/errors';

describe('formatError, the one place errors meet clients', () => {
  const format = formatError(createLogger('silent'));
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
});
