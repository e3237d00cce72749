import { registerEnumType } from 'type-graphql';
import { keyPart } from './key-parts';

export enum IdentifierTypeEnum {
  USER_ID = 'USER_ID',
  CRM_ID = 'CRM_ID',
  EMAIL = 'EMAIL',
  PHONE = 'PHONE',
  ANONYMOUS_ID = 'ANONYMOUS_ID',
  DEVICE_ID = 'DEVICE_ID',
}

/** The enum is the one list of types; the string union is what the domain code passes around. */
export type IdentifierType = `${IdentifierTypeEnum}`;
export const IDENTIFIER_TYPES = Object.values(IdentifierTypeEnum) as IdentifierType[];

registerEnumType(IdentifierTypeEnum, {
  name: 'IdentifierType',
  description: 'Kinds of identifier that resolve to a customer.',
  valuesConfig: {
    USER_ID: { description: 'The id a customer has in the product that sends events (Segment userId).' },
    CRM_ID: { description: 'The id of the customer in a CRM.' },
    EMAIL: { description: 'An email address, trimmed and lower-cased.' },
    PHONE: { description: 'A phone number in E.164.' },
    ANONYMOUS_ID: { description: 'A pre-login id set by a tracking library (Segment anonymousId).' },
    DEVICE_ID: { description: 'A device id from the event context.' },
  },
});

export const isIdentifierType = (value: string): value is IdentifierType =>
  (IDENTIFIER_TYPES as readonly string[]).includes(value);

/**
 * The graph-wide unique key of an identifier: its type and normalised value. Unambiguous without escaping: the type
 * is one of a closed set of names without ':', so the first ':' always ends it.
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
