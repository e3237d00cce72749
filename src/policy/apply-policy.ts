import {
  getNamedType,
  isAbstractType,
  isObjectType,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import { applyMiddleware, type IMiddlewareFunction } from 'graphql-middleware';
import { shield } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import type { PiiReadsContext } from '../audit/audit-read';
import type { PrincipalContext } from '../auth/principal';
import type { LoadersContext } from '../customers/customer.loaders';
import { ForbiddenError } from '../shared/errors';
import { CLASSIFICATION_RULES, CONSENT_GATED_TYPE, DENY_UNLISTED, OPERATION_RULES, type AccessRule } from './access-rules';
import type { MaskKind } from '../kernel/classification';
import { goldenAttributeMask, seesPiiInClear } from './clear-reads';
import { mask, showsPii } from './masks';
import { attachCatalog, type PolicyCatalog } from './policy-catalog';
import { admittedId, gateCustomer } from './purpose-policy';

/** What the policy layer reads of a request: who asks, the loaders (consent checks) and the PII read log. */
type PolicyContext = PrincipalContext & LoadersContext & PiiReadsContext;

const ROOT_TYPES = new Set(Object.keys(OPERATION_RULES));

/** The rule in force for one field: the operation table for entry points, the classification for everything else. */
export function ruleFor(catalog: PolicyCatalog, typeName: string, fieldName: string): AccessRule | undefined {
  if (ROOT_TYPES.has(typeName)) return OPERATION_RULES[typeName as keyof typeof OPERATION_RULES][fieldName];
  const classification = catalog.field(typeName, fieldName)?.classification;
  return classification ? CLASSIFICATION_RULES[classification] : undefined;
}

function shieldRules(schema: GraphQLSchema, catalog: PolicyCatalog): IRules {
  const tree: Record<string, Record<string, AccessRule['shield']>> = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const fieldName of Object.keys(type.getFields())) {
      const access = ruleFor(catalog, type.name, fieldName);
      if (access) (tree[type.name] ??= {})[fieldName] = access.shield;
    }
  }
  return tree as IRules;
}

/** Types whose `id` is a customer id; other rows holding PII name their customer in `customerId`. */
const CUSTOMER_TYPES = new Set(['Customer', 'ExportedProfile']);

/** Whose data a PII value is: the customer itself, or the customer a nested row was read for (a consent: its profile). */
const ownerOf = (typeName: string, parent: Record<string, unknown>): string | null =>
  (CUSTOMER_TYPES.has(typeName) ? parent.id : (parent.customerId ?? parent.resolvedCustomerId ?? parent.profileId ?? null)) as string | null;

/**
 * PII comes in clear with `pii:read`, each clear read noted for the audit trail (one entry per customer per
 * request); masked with `pii:masked`. Shield has already refused everyone else.
 */
function maskingMiddleware(catalog: PolicyCatalog) {
  const middleware: Record<string, Record<string, IMiddlewareFunction>> = {};
  const maskOf = goldenAttributeMask(catalog);
  for (const field of catalog.piiFields()) {
    const kind = field.mask as MaskKind;
    const qualified = `${field.typeName}.${field.fieldName}`;
    const apply = (value: unknown, parent: Record<string, unknown>, context: PolicyContext, info: GraphQLResolveInfo) => {
      if (value === null || value === undefined) return value;
      if (!seesPiiInClear(context.principal)) return mask(kind, value, parent, maskOf);
      // A segment definition comparing only non-PII attributes was read, but no PII was.
      if (showsPii(kind, value, maskOf)) context.piiReads.note(ownerOf(field.typeName, parent), qualified, info);
      return value;
    };
    // Synchronous for plain properties: a promise per field costs more than the masking itself on large lists.
    // (graphql-middleware hands the return value to graphql-js as is; its type says Promise only.)
    const masking = (resolve: GraphQLFieldResolver<unknown, PolicyContext>, parent: unknown, args: unknown, context: PolicyContext, info: GraphQLResolveInfo) => {
      const value = resolve(parent, args, context, info);
      const owner = parent as Record<string, unknown>;
      return value instanceof Promise ? value.then((settled) => apply(settled, owner, context, info)) : apply(value, owner, context, info);
    };
    (middleware[field.typeName] ??= {})[field.fieldName] = masking as unknown as IMiddlewareFunction;
  }
  return middleware;
}

/** Whether a field's values are customers (directly, in a list, or as members of a union such as `_Entity`). */
export function yieldsGatedType(schema: GraphQLSchema, field: GraphQLField<unknown, unknown>): boolean {
  const type = getNamedType(field.type);
  if (type.name === CONSENT_GATED_TYPE) return true;
  return isAbstractType(type) && schema.getPossibleTypes(type).some((possible) => possible.name === CONSENT_GATED_TYPE);
}

const thenMaybe = (value: unknown, next: (settled: unknown) => unknown) =>
  value instanceof Promise ? value.then(next) : next(value);

/**
 * What a purpose-bound principal may learn of customers who do not consent to its purpose: nothing. Customer
 * objects pass only when the resolver that produced them checked admission (else NO_CONSENT); ids of other
 * customers (`namesCustomer`) become null unless that customer consents. Principals without a purpose pass
 * straight through, synchronously.
 */
const checkedCustomers = (value: unknown, context: PolicyContext): unknown =>
  Array.isArray(value)
    ? value.map((item) => thenMaybe(item, (settled) => (settled instanceof Error ? settled : gateCustomer(context.principal, settled))))
    : gateCustomer(context.principal, value);

const consentingId = (value: unknown, context: PolicyContext): unknown =>
  value === null || value === undefined ? value : admittedId(context, String(value));

function purposeGates(schema: GraphQLSchema, catalog: PolicyCatalog) {
  const middleware: Record<string, Record<string, IMiddlewareFunction>> = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const gate = yieldsGatedType(schema, field) ? checkedCustomers : catalog.field(type.name, field.name)?.namesCustomer ? consentingId : null;
      if (!gate) continue;
      const gated = (resolve: GraphQLFieldResolver<unknown, PolicyContext>, parent: unknown, args: unknown, context: PolicyContext, info: GraphQLResolveInfo) => {
        const value = resolve(parent, args, context, info);
        return context.principal.purpose === null ? value : thenMaybe(value, (settled) => gate(settled, context));
      };
      (middleware[type.name] ??= {})[field.name] = gated as unknown as IMiddlewareFunction;
    }
  }
  return middleware;
}

/**
 * graphql-middleware wraps a subscription field's `resolve` (run per event), not its `subscribe`: check the
 * operation rule when the subscription starts, so a refused client never holds a live subscription.
 */
function guardSubscriptions(schema: GraphQLSchema) {
  const subscriptionType = schema.getSubscriptionType();
  if (!subscriptionType) return;
  for (const field of Object.values(subscriptionType.getFields())) {
    const subscribe = field.subscribe;
    const access = OPERATION_RULES.Subscription[field.name];
    if (!subscribe) continue;
    field.subscribe = ((parent, args, context: PolicyContext, info) => {
      const decision = access ? access.check(context.principal) : new ForbiddenError('no access rule covers this subscription');
      if (decision !== true) throw decision;
      return subscribe(parent, args, context, info);
    }) as GraphQLFieldResolver<unknown, PolicyContext>;
  }
}

/**
 * The policy layer over the finished subgraph schema (so `_entities` and subscriptions are covered): shield with
 * deny as fallback, then masking, then the purpose gates, then the subscription guard.
 */
export function applyPolicy(schema: GraphQLSchema, catalog: PolicyCatalog): GraphQLSchema {
  const permissions = shield(shieldRules(schema, catalog), {
    fallbackRule: DENY_UNLISTED,
    // Errors our resolvers throw on purpose (BAD_USER_INPUT, NOT_FOUND) pass through; format-error masks the rest.
    allowExternalErrors: true,
    debug: false,
    // A field with no rule, or a rule that failed instead of deciding: both deny.
    fallbackError: () => new ForbiddenError('not permitted'),
  });
  const guarded = applyMiddleware(schema, permissions, maskingMiddleware(catalog), purposeGates(schema, catalog));
  guardSubscriptions(guarded);
  return attachCatalog(guarded, catalog);
}
