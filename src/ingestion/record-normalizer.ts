import { purposeOf, type ConsentPurposes } from '../kernel/consent-purposes';
import { CONSENT_STATUSES, isConsentStatus } from '../kernel/consent-status';
import type { IdentifierNormalizer } from '../identity/identifier-normalizer';
import { recordKey } from '../kernel/identifier-type';
import type { ConsentStatement, WorkUnit } from '../identity/work-unit';
import { IdentifierCollector } from './identifier-collector';
import { namesAPerson } from '../identity/matching/match-record';
import { lenientText, optionalObject, optionalText, requiredText, timestamp } from './payload-fields';
import { addressCountry, itemRegion } from '../identity/item-region';
import { profileObservations } from './profile-observations';
import { reject } from './rejection';

/**
 * A record version: its key and when it changed. The time is never escaped, and needs no escaping: it holds no '@'
 * (a normalised one never does, and a rejected record's is checked), so the last '@' always ends the key.
 */
export const recordVersionKey = (key: string, updatedAt: string) => `${key}@${updatedAt}`;

/** How a record that could not be normalised is known in its dead letter: its version key, when its parts are there. */
export function rejectedRecordVersion(raw: RawSourceRecord): string | null {
  const [source, externalId, updatedAt] = [raw.source, raw.externalId, raw.updatedAt].map(lenientText);
  if (!source || !externalId || !updatedAt || updatedAt.includes('@')) return null;
  return recordVersionKey(recordKey(source.toLowerCase(), externalId), updatedAt);
}

export type RawSourceRecord = {
  source?: string | null;
  externalId?: string | null;
  updatedAt?: string | null;
  attributes?: unknown;
  identifiers?: { type: string; value: string }[] | null;
  consents?: { purpose: string; status: string; occurredAt?: string | null }[] | null;
  deleted?: boolean | null;
};

/** A CRM, support or shop record; its own key resolves it to the customer it described before. */
export function normalizeRecord(raw: RawSourceRecord, normalizer: IdentifierNormalizer, now: Date, purposes: ConsentPurposes): WorkUnit {
  const source = requiredText(raw.source, 'source', 64).toLowerCase();
  const externalId = requiredText(raw.externalId, 'externalId', 256);
  if (raw.updatedAt === null || raw.updatedAt === undefined) {
    reject('MISSING_FIELD', 'updatedAt is required: it orders versions of a record and makes a replay idempotent');
  }
  const updatedAt = timestamp(raw.updatedAt, 'updatedAt', now);
  if (raw.deleted === true) return deletion(recordKey(source, externalId), source, externalId, updatedAt);
  const attributes = optionalObject(raw.attributes, 'attributes');

  const ids = new IdentifierCollector(normalizer, itemRegion({ country: addressCountry(attributes) }));
  for (const [index, identifier] of (raw.identifiers ?? []).entries()) {
    if (!normalizer.types.has(identifier.type)) {
      // Not echoed: a type and a value swapped by mistake would put the value in the message, kept with the letter.
      reject('INVALID_IDENTIFIER_TYPE', `identifiers[${index}].type is not one of ${normalizer.types.names.join(', ')}`);
    }
    ids.add(identifier.type, identifier.value);
  }
  // Contact details in the attributes identify the person too, unless the record lists them itself.
  const listed = new Set((raw.identifiers ?? []).map((i) => i.type));
  if (!listed.has('EMAIL')) ids.add('EMAIL', optionalText(attributes.email, 'attributes.email', 320));
  if (!listed.has('PHONE')) ids.add('PHONE', optionalText(attributes.phone, 'attributes.phone', 64));
  for (const type of normalizer.types.configured) {
    if (listed.has(type.name)) continue;
    for (const field of type.fields) if (Object.hasOwn(attributes, field)) ids.add(type.name, optionalText(attributes[field], `attributes.${field}`));
  }
  const observations = profileObservations(attributes, ids);
  // A record resolves by its own key too: one that names a person needs no identifier (matching can find them).
  const identifiers = namesAPerson(observations) ? ids.identifiers : ids.requireAny();

  const consents: ConsentStatement[] = (raw.consents ?? []).map((consent, index) => {
    const status = String(consent.status).toUpperCase();
    if (!isConsentStatus(status)) reject('INVALID_FIELD', `consents[${index}].status must be one of ${CONSENT_STATUSES.join(', ')}`);
    const purpose = purposeOf(requiredText(consent.purpose, `consents[${index}].purpose`, 64));
    if (!purposes.has(purpose)) {
      reject('UNKNOWN_CONSENT_PURPOSE', `consents[${index}].purpose "${purpose}" is not one of ${purposes.list.join(', ')}`);
    }
    return {
      purpose,
      status: status as ConsentStatement['status'],
      occurredAt: consent.occurredAt ? timestamp(consent.occurredAt, `consents[${index}].occurredAt`, now) : updatedAt,
    };
  });

  const key = recordKey(source, externalId);
  return {
    idempotencyKey: recordVersionKey(key, updatedAt),
    messageId: recordVersionKey(key, updatedAt),
    item: {
      causeKind: 'RECORD',
      cause: key,
      source,
      occurredAt: updatedAt,
      identifiers,
      recordKey: key,
      observations,
    },
    device: null,
    consents,
    sourceRecord: { key, source, externalId, attributes: JSON.stringify(attributes) },
    activity: null,
    dropped: ids.dropped,
  };
}

/** The source deleted the record: a version of it that carries nothing but that (identity/component-reresolution.ts). */
function deletion(key: string, source: string, externalId: string, updatedAt: string): WorkUnit {
  // Its own key: a source may flag a row deleted without changing its timestamp, and that version was applied.
  const version = `${recordVersionKey(key, updatedAt)}#deleted`;
  return {
    idempotencyKey: version,
    messageId: version,
    item: { causeKind: 'RECORD', cause: key, source, occurredAt: updatedAt, identifiers: [], recordKey: key, observations: {}, recordDeleted: true },
    device: null,
    consents: [],
    sourceRecord: { key, source, externalId, attributes: '{}' },
    activity: null,
    dropped: [],
  };
}
