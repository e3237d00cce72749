import type { GraphQLResolveInfo, GraphQLSchema } from 'graphql';
import { Field, Info, ObjectType, Query, registerEnumType, Resolver } from 'type-graphql';
import { Public, type Classification } from '../kernel/classification';
import { fieldReaders, type Reader } from './field-readers';
import { catalogOf } from './policy-catalog';

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

export enum PurposeBoundAccessEnum {
  SAME = 'SAME',
  CONSENTING_CUSTOMERS = 'CONSENTING_CUSTOMERS',
  REFUSED = 'REFUSED',
}
registerEnumType(PurposeBoundAccessEnum, {
  name: 'PurposeBoundAccess',
  description: 'How a token of the role that is bound to a purpose (its `purpose` claim) reads the field.',
  valuesConfig: {
    SAME: { description: 'As a token of the role without a purpose.' },
    CONSENTING_CUSTOMERS: { description: 'Only where the customer it belongs to, or names, consents to the token\'s purpose.' },
    REFUSED: { description: 'Not at all: every way to it is closed to purpose-bound tokens.' },
  },
});

@ObjectType({ description: 'A role that may read a field, and how it sees the value.' })
export class FieldReader {
  @Public()
  @Field()
  role!: string;

  @Public()
  @Field(() => ReadModeEnum)
  mode!: ReadModeEnum;

  @Public()
  @Field(() => PurposeBoundAccessEnum)
  purposeBound!: PurposeBoundAccessEnum;
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
  @Field(() => [FieldReader], {
    description: 'The roles that can read it, by some way from an operation they may call; derived from the rules that enforce access.',
  })
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

/** The readers of every field, worked out once per schema (the rules and the schema never change while it runs). */
const readersBySchema = new WeakMap<GraphQLSchema, Map<string, Reader[]>>();

function readersOf(schema: GraphQLSchema): Map<string, Reader[]> {
  let readers = readersBySchema.get(schema);
  if (!readers) readersBySchema.set(schema, (readers = fieldReaders(schema, catalogOf(schema))));
  return readers;
}

@Resolver()
export class DataDictionaryResolver {
  @Public()
  @Query(() => [DataDictionaryType], {
    description: 'Every object type and field: classification, owner, description, retention and who may read it.',
  })
  dataDictionary(@Info() info: GraphQLResolveInfo): DataDictionaryType[] {
    const catalog = catalogOf(info.schema);
    const readers = readersOf(info.schema);
    return catalog.types().map((name) => ({
      name,
      fields: catalog.fieldsOf(name).map((field) => ({
        name: field.fieldName,
        classification: field.classification,
        description: field.description,
        owner: field.owner,
        retention: field.retention,
        mask: field.mask,
        readableBy: (readers.get(`${field.typeName}.${field.fieldName}`) ?? []) as FieldReader[],
      })),
    }));
  }
}
