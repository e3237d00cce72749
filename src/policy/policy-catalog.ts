import { isIntrospectionType, isObjectType, type GraphQLSchema } from 'graphql';
import { FIELD_POLICY, TYPE_POLICY, type Classification, type FieldPolicy, type MaskKind, type TypePolicy } from '../kernel/classification';

export type CatalogField = Readonly<{
  typeName: string;
  fieldName: string;
  description: string | null;
  classification: Classification | null;
  mask: MaskKind | null;
  owner: string | null;
  retention: string | null;
  /** See FieldPolicy.namesCustomer. */
  namesCustomer: boolean;
}>;

/** Fields @apollo/subgraph adds; classified here because they are not declared in our code. */
const FEDERATION_FIELDS: Record<string, Record<string, FieldPolicy>> = {
  Query: { _service: { classification: 'PUBLIC' }, _entities: { classification: 'PSEUDONYMOUS' } },
  _Service: { sdl: { classification: 'PUBLIC' } },
};
const DEFAULT_TYPE_POLICY: TypePolicy = { owner: 'customer-data-platform', retention: 'as long as the customer profile' };

/**
 * Every object field with its declared classification, owner and retention, read once from the code-first schema's
 * extensions (the decorators in classification.ts). A field without a classification is kept with `null`: the
 * access rules deny it and the schema test names it.
 */
export class PolicyCatalog {
  private readonly byType = new Map<string, Map<string, CatalogField>>();

  static fromCodeFirstSchema(schema: GraphQLSchema): PolicyCatalog {
    const catalog = new PolicyCatalog();
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || isIntrospectionType(type)) continue;
      const typePolicy = (type.extensions?.[TYPE_POLICY] as TypePolicy | undefined) ?? DEFAULT_TYPE_POLICY;
      for (const field of Object.values(type.getFields())) {
        const policy = field.extensions?.[FIELD_POLICY] as FieldPolicy | undefined;
        catalog.add(type.name, field.name, field.description ?? null, policy, typePolicy);
      }
    }
    for (const [typeName, fields] of Object.entries(FEDERATION_FIELDS)) {
      for (const [fieldName, policy] of Object.entries(fields)) {
        catalog.add(typeName, fieldName, 'Apollo Federation', policy, { owner: 'platform', retention: 'not stored' });
      }
    }
    return catalog;
  }

  private add(typeName: string, fieldName: string, description: string | null, policy: FieldPolicy | undefined, typePolicy: TypePolicy) {
    if (!this.byType.has(typeName)) this.byType.set(typeName, new Map());
    this.byType.get(typeName)!.set(fieldName, {
      typeName,
      fieldName,
      description,
      classification: policy?.classification ?? null,
      mask: policy?.mask ?? null,
      owner: typePolicy.owner,
      retention: policy?.retention ?? typePolicy.retention,
      namesCustomer: policy?.namesCustomer ?? false,
    });
  }

  field(typeName: string, fieldName: string): CatalogField | undefined {
    return this.byType.get(typeName)?.get(fieldName);
  }

  types(): string[] {
    return [...this.byType.keys()].sort();
  }

  fieldsOf(typeName: string): CatalogField[] {
    return [...(this.byType.get(typeName)?.values() ?? [])];
  }

  all(): CatalogField[] {
    return this.types().flatMap((typeName) => this.fieldsOf(typeName));
  }

  piiFields(): CatalogField[] {
    return this.all().filter((field) => field.classification === 'PII');
  }
}

const catalogs = new WeakMap<GraphQLSchema, PolicyCatalog>();

/** The executable schema carries its catalog, so the data dictionary describes exactly the schema it is served from. */
export function attachCatalog(schema: GraphQLSchema, catalog: PolicyCatalog): GraphQLSchema {
  catalogs.set(schema, catalog);
  return schema;
}

export function catalogOf(schema: GraphQLSchema): PolicyCatalog {
  const catalog = catalogs.get(schema);
  if (!catalog) throw new Error('schema has no policy catalog');
  return catalog;
}
