import type { GraphQLResolveInfo } from 'graphql';
import { Field, Info, ObjectType, Query, registerEnumType, Resolver } from 'type-graphql';
import { ROLE_SCOPES, type Role } from '../auth/roles';
import { ruleFor } from './apply-policy';
import { Public, type Classification } from './classification';
import { catalogOf, type CatalogField, type PolicyCatalog } from './policy-catalog';

export enum ClassificationEnum {
  PII = 'PII',
  PSEUDONYMOUS = 'PSEUDONYMOUS',
  AGGREGATED = 'AGGREGATED',
  PUBLIC = 'PUBLIC',
}
registerEnumType(ClassificationEnum, {
  name: 'Classification',
  valuesConfig: {
    PII: { description: 'Identifies a person directly: clear with pii:read (audited), masked with pii:masked, else refused.' },
    PSEUDONYMOUS: { description: 'Ids and facts that identify a person only with other data; needs customers:read.' },
    AGGREGATED: { description: 'Counts over several records; any authenticated principal.' },
    PUBLIC: { description: 'Holds no personal data.' },
  },
});

export enum ReadModeEnum {
  CLEAR = 'CLEAR',
  MASKED = 'MASKED',
}
registerEnumType(ReadModeEnum, { name: 'ReadMode' });

@ObjectType({ description: 'A role that may read a field, and how it sees the value.' })
export class FieldReader {
  @Public()
  @Field()
  role!: string;

  @Public()
  @Field(() => ReadModeEnum)
  mode!: ReadModeEnum;
}

@ObjectType({ description: 'One field of the schema as the policy layer sees it.' })
export class DataDictionaryField {
  @Public()
  @Field()
  name!: string;

  @Public()
  @Field(() => ClassificationEnum, { nullable: true, description: 'Null only if a field was left unclassified (then nobody may read it).' })
  classification!: Classification | null;

  @Public()
  @Field(() => String, { nullable: true })
  description!: string | null;

  @Public()
  @Field(() => String, { nullable: true })
  owner!: string | null;

  @Public()
  @Field(() => String, { nullable: true })
  retention!: string | null;

  @Public()
  @Field(() => String, { nullable: true, description: 'How PII is masked for readers in MASKED mode.' })
  mask!: string | null;

  @Public()
  @Field(() => [FieldReader])
  readableBy!: FieldReader[];
}

@ObjectType({ description: 'An object type of the schema with the classification of each field.' })
export class DataDictionaryType {
  @Public()
  @Field()
  name!: string;

  @Public()
  @Field(() => [DataDictionaryField])
  fields!: DataDictionaryField[];
}

function readersOf(catalog: PolicyCatalog, field: CatalogField): FieldReader[] {
  const access = ruleFor(catalog, field.typeName, field.fieldName);
  if (!access) return [];
  const roles = (Object.keys(ROLE_SCOPES) as Role[]).filter((role) => {
    if (access.anyOf === 'anyone' || access.anyOf === 'authenticated') return true;
    return ROLE_SCOPES[role].some((scope) => access.anyOf.includes(scope));
  });
  return roles.map((role) => ({
    role,
    mode: field.classification === 'PII' && !ROLE_SCOPES[role].includes('pii:read') ? ReadModeEnum.MASKED : ReadModeEnum.CLEAR,
  }));
}

@Resolver()
export class DataDictionaryResolver {
  @Public()
  @Query(() => [DataDictionaryType], {
    description: 'Every object type and field: classification, owner, description, retention and who may read it.',
  })
  dataDictionary(@Info() info: GraphQLResolveInfo): DataDictionaryType[] {
    const catalog = catalogOf(info.schema);
    return catalog.types().map((name) => ({
      name,
      fields: catalog.fieldsOf(name).map((field) => ({
        name: field.fieldName,
        classification: field.classification,
        description: field.description,
        owner: field.owner,
        retention: field.retention,
        mask: field.mask,
        readableBy: readersOf(catalog, field),
      })),
    }));
  }
}
