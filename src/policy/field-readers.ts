import { getNamedType, isAbstractType, isObjectType, type GraphQLNamedType, type GraphQLSchema } from 'graphql';
import { principalOf, type Principal } from '../auth/principal';
import { ROLES, type Role } from '../auth/roles';
import { OPERATION_RULES } from './access-rules';
import { ruleFor, yieldsGatedType } from './apply-policy';
import type { CatalogField, PolicyCatalog } from './policy-catalog';

export type ReadMode = 'CLEAR' | 'MASKED';

/** How a token of the role bound to a purpose reads the field. */
export type PurposeBoundAccess =
  /** As without a purpose. */
  | 'SAME'
  /** Only where the customer it belongs to (or names) consents to the token's purpose. */
  | 'CONSENTING_CUSTOMERS'
  /** Never: every way to it is closed to purpose-bound tokens. */
  | 'REFUSED';

export type Reader = { role: Role; mode: ReadMode; purposeBound: PurposeBoundAccess };

/** How a principal reaches an object type: on some path that passes no consent gate ('open'), or only through one. */
type Reach = Map<string, 'open' | 'gated'>;

const objectTypesOf = (schema: GraphQLSchema, type: GraphQLNamedType) =>
  isObjectType(type) ? [type] : isAbstractType(type) ? schema.getPossibleTypes(type) : [];

/**
 * Every object type a principal can reach, walking from the entry points it may call through the fields it may
 * read: the decisions are the rules' own `check`, so what this says is what shield and the operation check do. A
 * consent gate is a per-customer entry point (`perCustomer`) or a field that yields customers.
 */
function reachOf(schema: GraphQLSchema, catalog: PolicyCatalog, principal: Principal): Reach {
  const reach: Reach = new Map();
  const queue: [string, boolean][] = [];
  const visit = (type: GraphQLNamedType, gated: boolean) => {
    for (const object of objectTypesOf(schema, type)) {
      const known = reach.get(object.name);
      if (known === 'open' || (known === 'gated' && gated)) continue;
      reach.set(object.name, gated ? 'gated' : 'open');
      queue.push([object.name, gated]);
    }
  };
  for (const [rootName, rules] of Object.entries(OPERATION_RULES)) {
    const root = schema.getType(rootName);
    if (!isObjectType(root)) continue;
    for (const [fieldName, rule] of Object.entries(rules)) {
      const field = root.getFields()[fieldName];
      if (!field || rule.check(principal) !== true) continue;
      visit(getNamedType(field.type), rule.perCustomer === true || yieldsGatedType(schema, field));
    }
  }
  while (queue.length > 0) {
    const [typeName, gated] = queue.shift()!;
    if (reach.get(typeName) === 'open' && gated) continue;
    const type = schema.getType(typeName);
    if (!isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      if (ruleFor(catalog, typeName, field.name)?.check(principal) !== true) continue;
      visit(getNamedType(field.type), gated || yieldsGatedType(schema, field));
    }
  }
  return reach;
}

const ROOT_TYPES = new Set(Object.keys(OPERATION_RULES));

/** How a principal reads one field: not at all, or how (for a purpose-bound one: whether only consenting customers). */
function readingOf(schema: GraphQLSchema, catalog: PolicyCatalog, reach: Reach, principal: Principal, field: CatalogField) {
  const rule = ruleFor(catalog, field.typeName, field.fieldName);
  const typeReach = ROOT_TYPES.has(field.typeName) ? 'open' : reach.get(field.typeName);
  if (!rule || !typeReach || rule.check(principal) !== true) return null;
  const type = schema.getType(field.typeName);
  const definition = isObjectType(type) ? type.getFields()[field.fieldName] : undefined;
  const gated = typeReach === 'gated' || field.namesCustomer || rule.perCustomer === true || (!!definition && yieldsGatedType(schema, definition));
  return { gated, mode: (field.classification === 'PII' && !principal.scopes.has('pii:read') ? 'MASKED' : 'CLEAR') as ReadMode };
}

/** A purpose no deployment names: any purpose is bound the same way. */
const SOME_PURPOSE = 'any-purpose';

/**
 * For every field (`Type.field`), the roles that can read it, derived from the enforcing rules (OPERATION_RULES for
 * entry points, CLASSIFICATION_RULES for fields, on some path from an entry point the role may call), and how a
 * token of that role bound to a purpose reads it.
 */
export function fieldReaders(schema: GraphQLSchema, catalog: PolicyCatalog): Map<string, Reader[]> {
  const readers = new Map<string, Reader[]>(catalog.all().map((field) => [`${field.typeName}.${field.fieldName}`, []]));
  for (const role of ROLES) {
    const free = principalOf({ subject: `dictionary-${role}`, roles: [role] });
    const bound = principalOf({ subject: `dictionary-${role}`, roles: [role], purpose: SOME_PURPOSE });
    const [freeReach, boundReach] = [reachOf(schema, catalog, free), reachOf(schema, catalog, bound)];
    for (const field of catalog.all()) {
      const reading = readingOf(schema, catalog, freeReach, free, field);
      if (!reading) continue;
      const boundReading = readingOf(schema, catalog, boundReach, bound, field);
      const purposeBound: PurposeBoundAccess = !boundReading ? 'REFUSED' : boundReading.gated ? 'CONSENTING_CUSTOMERS' : 'SAME';
      readers.get(`${field.typeName}.${field.fieldName}`)!.push({ role, mode: reading.mode, purposeBound });
    }
  }
  return readers;
}
