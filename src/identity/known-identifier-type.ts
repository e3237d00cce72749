import type { IdentifierType } from '../kernel/identifier-type';
import type { IdentifierTypes } from '../kernel/identifier-types';
import { BadUserInputError } from '../shared/errors';

/** Types are configuration: a name the schema accepts may still be unknown to this deployment. */
export function requireKnownType(types: IdentifierTypes, type: IdentifierType, argument: string): void {
  if (types.has(type)) return;
  throw new BadUserInputError(`${type} is not an identifier type of this deployment (identifierTypes lists them: ${types.names.join(', ')})`, {
    argument,
    reason: 'UNKNOWN_IDENTIFIER_TYPE',
  });
}
