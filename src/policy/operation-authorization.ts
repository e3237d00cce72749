import type { ApolloServerPlugin } from '@apollo/server';
import {
  getOperationAST,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLError,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Principal, PrincipalContext } from '../auth/principal';
import { UnauthenticatedError } from '../auth/token-verifier';
import { AppError } from '../shared/errors';
import { OPERATION_RULES } from './access-rules';

const ROOT_TYPE_NAMES = { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' } as const;

/**
 * Every root field an operation selects, through fragments and inline fragments, aliases resolved to field names.
 * @skip/@include are not read: a field that might run is checked as if it will.
 */
export function rootFieldsOf(operation: OperationDefinitionNode, document: DocumentNode): ReadonlySet<string> {
  let fields = rootFieldsByOperation.get(operation);
  if (!fields) rootFieldsByOperation.set(operation, (fields = collectRootFields(operation, document)));
  return fields;
}

/**
 * Per operation node: Apollo's document store (and `check` on graphql-ws) hands back the same parsed document for
 * the same text, so each operation is walked once, not once per request.
 */
const rootFieldsByOperation = new WeakMap<OperationDefinitionNode, ReadonlySet<string>>();

function collectRootFields(operation: OperationDefinitionNode, document: DocumentNode): Set<string> {
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const fields = new Set<string>();
  const seen = new Set<string>();
  const walk = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) fields.add(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) walk(fragment.selectionSet);
      }
    }
  };
  walk(operation.selectionSet);
  return fields;
}

/**
 * Authorises a whole operation before any of it runs: every root field it selects must pass its rule in
 * OPERATION_RULES (the same rules shield applies field by field). One refused field refuses the operation, so a
 * mutation never commits beside a sibling that is refused. Null when allowed, else the one error to answer with.
 */
export function authorizeOperation(principal: Principal, operation: OperationDefinitionNode, document: DocumentNode): GraphQLError | null {
  const rootType = ROOT_TYPE_NAMES[operation.operation];
  const refused: string[] = [];
  const reasons = new Set<unknown>();
  const why = new Set<string>();
  let unauthenticated = false;
  for (const field of rootFieldsOf(operation, document)) {
    // Introspection and __typename are governed by the server's introspection setting, not by the data rules.
    if (field.startsWith('__')) continue;
    const rule = OPERATION_RULES[rootType][field];
    const decision = rule ? rule.check(principal) : false;
    if (decision === true) continue;
    refused.push(field);
    if (decision instanceof UnauthenticatedError) unauthenticated = true;
    if (decision && decision.extensions.reason !== undefined) reasons.add(decision.extensions.reason);
    if (decision && decision.message) why.add(decision.message);
  }
  if (refused.length === 0) return null;
  if (unauthenticated) return new UnauthenticatedError(`authentication required for ${refused.join(', ')}: send a bearer token`);
  // A rule that says why (LOOKUP_BY_MASKED_VALUE...) keeps saying it when the whole operation is refused for it.
  const reason = reasons.size === 1 ? { reason: [...reasons][0] } : {};
  const because = why.size > 0 ? ` (${[...why].join('; ')})` : '';
  return new AppError('FORBIDDEN', `not permitted: ${refused.join(', ')}${because}; nothing in this operation ran`, { fields: refused, ...reason });
}

/** For HTTP (and in-process operations): refused operations end before execution with 401 or 403. */
export function operationAuthorization(): ApolloServerPlugin<PrincipalContext> {
  return {
    requestDidStart: async () => ({
      didResolveOperation: async ({ operation, document, contextValue }) => {
        if (!operation) return;
        const refusal = authorizeOperation(contextValue.principal, operation, document);
        if (!refusal) return;
        // Apollo answers an error thrown here with the status in extensions.http (and strips it from the body).
        if (refusal.extensions.code === 'FORBIDDEN') Object.assign(refusal.extensions, { http: { status: 403 } });
        throw refusal;
      },
    }),
  };
}

/** For graphql-ws, where Apollo's plugins never run: the refusal, or null to go on. */
export function authorizeDocument(principal: Principal, document: DocumentNode, operationName: string | null | undefined): GraphQLError | null {
  const operation = getOperationAST(document, operationName);
  return operation ? authorizeOperation(principal, operation, document) : null;
}
