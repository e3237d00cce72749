import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { keyPart } from './key-parts';

/** The types every deployment has; operators add their own (IDENTITY_TYPES, see src/identity/identifier-types.ts). */
export const BUILT_IN_TYPES = ['USER_ID', 'CRM_ID', 'EMAIL', 'PHONE', 'ANONYMOUS_ID', 'DEVICE_ID'] as const;
export type BuiltInType = (typeof BUILT_IN_TYPES)[number];

/** The name of an identifier type: a built-in one or one the deployment configured. */
export type IdentifierType = string;

/**
 * What a type's name may be: upper case, digits and '_', so it never holds the ':' that ends it in a key, and never
 * `RECORD` or `PROFILE`, the prefixes of record and profile keys.
 */
export const TYPE_NAME = /^[A-Z][A-Z0-9_]{1,31}$/;
export const RESERVED_TYPE_NAMES: readonly string[] = ['RECORD', 'PROFILE'];

const typeName = (value: unknown): string => {
  if (typeof value !== 'string' || !TYPE_NAME.test(value)) {
    throw new GraphQLError(`an IdentifierType is a type name such as EMAIL or LOYALTY_ID (upper case, digits, _), not ${JSON.stringify(value)}`);
  }
  return value;
};

/**
 * Identifier types are configuration, so the schema types them as a name checked against the deployment's
 * configuration when used (`identifierTypes` lists them), not as an enum: the schema, and a supergraph composed
 * from it, is then the same in every deployment. Written bare (`type: EMAIL`) or as a string, as clients of the
 * enum it replaced did.
 */
export const IdentifierTypeScalar = new GraphQLScalarType<string, string>({
  name: 'IdentifierType',
  description:
    'The name of an identifier type: built in (USER_ID, CRM_ID, EMAIL, PHONE, ANONYMOUS_ID, DEVICE_ID) or configured by the deployment (IDENTITY_TYPES); `identifierTypes` lists them. Written bare (EMAIL) or as a string ("EMAIL").',
  serialize: (value) => String(value),
  parseValue: typeName,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.ENUM && ast.kind !== Kind.STRING) throw new GraphQLError('an IdentifierType is written as a name, e.g. EMAIL');
    return typeName(ast.value);
  },
});

/**
 * The graph-wide unique key of an identifier: its type and normalised value. Unambiguous without escaping: a type
 * name holds no ':' (TYPE_NAME), so the first ':' always ends it.
 */
export const identifierKey = (type: IdentifierType, value: string) => `${type}:${value}`;

/** Source records resolve by their own key too; it never collides with an identifier key (no such type). */
export const RECORD_KEY_PREFIX = 'RECORD:';
/** `RECORD:<source>:<externalId>`, each part escaped (see key-parts.ts): a ':' in a source cannot move the boundary. */
export const recordKey = (source: string, externalId: string) => `${RECORD_KEY_PREFIX}${keyPart(source)}:${keyPart(externalId)}`;

/**
 * The key records had before their parts were escaped, when `S` + `eu:42` and `S:eu` + `42` were one key. Only the
 * migration that rewrote stored keys and the check against suppressions hashed before it still need it.
 */
export const legacyRecordKey = (source: string, externalId: string) => `${RECORD_KEY_PREFIX}${source}:${externalId}`;

/**
 * A steward's decision names customers by id: as `PROFILE:<id>` it resolves, like an identifier or a record key, to
 * the active customer the profile is part of today.
 */
export const PROFILE_KEY_PREFIX = 'PROFILE:';
export const profileKey = (customerId: string) => `${PROFILE_KEY_PREFIX}${customerId}`;
