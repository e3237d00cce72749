import type { ApolloServerPlugin } from '@apollo/server';
import { isAbstractType, isObjectType, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { PiiReadsContext } from '../audit/audit-read';
import type { Principal, PrincipalContext } from '../auth/principal';
import { seesPiiInClear } from './clear-reads';
import { catalogOf } from './policy-catalog';

const selectingPii = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, boolean>>();

/**
 * Whether a document selects a field classified PII anywhere (on an interface or union: on any of its object
 * types). Remembered per document: identical operation texts share one parsed document (see OperationLimits).
 */
export function selectsPii(schema: GraphQLSchema, document: DocumentNode): boolean {
  let known = selectingPii.get(schema);
  if (!known) selectingPii.set(schema, (known = new WeakMap()));
  const remembered = known.get(document);
  if (remembered !== undefined) return remembered;
  const catalog = catalogOf(schema);
  const isPii = (typeName: string, fieldName: string) => catalog.field(typeName, fieldName)?.classification === 'PII';
  const typeInfo = new TypeInfo(schema);
  let found = false;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (!parent || found) return;
        const name = node.name.value;
        if (isObjectType(parent)) found = isPii(parent.name, name);
        else if (isAbstractType(parent)) found = schema.getPossibleTypes(parent).some((type) => isPii(type.name, name));
      },
    }),
  );
  known.set(document, found);
  return found;
}

/**
 * Admits an operation that may read PII in clear only while the audit trail can record it: otherwise it is refused
 * whole, before anything runs, with a retryable AuditBacklogError (HTTP 503 and Retry-After), rather than answered
 * with an error in every PII field. Operations of readers shown PII masked, and those that select none, always pass.
 */
export function admitClearReads(principal: Principal, schema: GraphQLSchema, document: DocumentNode, context: PiiReadsContext): void {
  if (seesPiiInClear(principal) && selectsPii(schema, document)) context.piiReads.admit();
}

/** For HTTP (and in-process operations), after authorisation and limits: the backlog refusal ends the request there. */
export function clearReadAdmission(): ApolloServerPlugin<PrincipalContext & PiiReadsContext> {
  return {
    requestDidStart: async () => ({
      didResolveOperation: async ({ schema, document, contextValue }) => admitClearReads(contextValue.principal, schema, document, contextValue),
    }),
  };
}
