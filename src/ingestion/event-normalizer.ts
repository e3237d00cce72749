import { purposeOf, type ConsentPurposes } from '../kernel/consent-purposes';
import type { IdentifierNormalizer } from '../identity/identifier-normalizer';
import type { ConsentStatement, WorkUnit } from '../identity/work-unit';
import { IdentifierCollector } from './identifier-collector';
import { addressCountry, itemRegion } from '../identity/item-region';
import { isObject, lenientText, optionalObject, optionalText, requiredText, timestamp, type JsonObject } from './payload-fields';
import { profileObservations } from './profile-observations';
import { reject } from './rejection';

export const EVENT_TYPES = ['IDENTIFY', 'TRACK', 'ALIAS', 'PAGE', 'SCREEN'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The shape of an identity event as it arrives: Segment's spec, loosely typed so one bad event can be refused alone. */
export type RawEvent = {
  messageId?: string | null;
  type?: string | null;
  userId?: string | null;
  anonymousId?: string | null;
  previousId?: string | null;
  event?: string | null;
  name?: string | null;
  traits?: unknown;
  /** TRACK properties: kept with the event (dead letters, the stream), not resolved. */
  properties?: unknown;
  context?: unknown;
  timestamp?: string | null;
  source?: string | null;
};

export type NormalizedEvent = WorkUnit & { type: EventType; event: string | null };

/** Segment's consent spec: context.consent.categoryPreferences = { Advertising: true, ... }. */
function consentStatements(context: JsonObject, occurredAt: string, purposes: ConsentPurposes): ConsentStatement[] {
  const consent = optionalObject(context.consent, 'context.consent');
  const preferences = optionalObject(consent.categoryPreferences, 'context.consent.categoryPreferences');
  return Object.entries(preferences).map(([category, value]) => {
    if (typeof value !== 'boolean') reject('INVALID_FIELD', `context.consent.categoryPreferences.${category} must be true or false`);
    const purpose = purposeOf(category);
    if (!purposes.has(purpose)) {
      reject('UNKNOWN_CONSENT_PURPOSE', `context.consent.categoryPreferences.${category}: "${purpose}" is not one of ${purposes.list.join(', ')}`);
    }
    return { purpose, status: value ? 'GRANTED' : 'DENIED', occurredAt };
  });
}

export function normalizeEvent(raw: RawEvent, normalizer: IdentifierNormalizer, now: Date, purposes: ConsentPurposes): NormalizedEvent {
  const messageId = optionalText(raw.messageId, 'messageId', 256)?.trim();
  if (!messageId) reject('MISSING_MESSAGE_ID', 'messageId is required: it makes a retried delivery safe');
  const type = (optionalText(raw.type, 'type', 32) ?? '').trim().toUpperCase() as EventType;
  if (!EVENT_TYPES.includes(type)) reject('INVALID_TYPE', `type must be one of ${EVENT_TYPES.join(', ')}`);

  const userId = optionalText(raw.userId, 'userId');
  const anonymousId = optionalText(raw.anonymousId, 'anonymousId');
  if (userId === null && anonymousId === null && type !== 'ALIAS') {
    reject('MISSING_FIELD', 'userId or anonymousId is required');
  }
  const event = type === 'TRACK' ? requiredText(raw.event, 'event (the name of a TRACK)', 256) : null;
  const previousId = type === 'ALIAS' ? requiredText(raw.previousId, 'previousId (required for ALIAS)') : null;
  if (type === 'ALIAS' && userId === null) reject('MISSING_FIELD', 'userId is required for ALIAS');

  const occurredAt = timestamp(raw.timestamp, 'timestamp', now);
  const context = optionalObject(raw.context, 'context');
  const traits = { ...optionalObject(context.traits, 'context.traits'), ...optionalObject(raw.traits, 'traits') };
  const device = optionalObject(context.device, 'context.device');
  const os = isObject(context.os) ? optionalText(context.os.name, 'context.os.name', 128) : null;
  const source = (optionalText(raw.source, 'source', 64) ?? 'events').trim().toLowerCase() || 'events';

  const ids = new IdentifierCollector(normalizer, itemRegion({ country: addressCountry(traits), locale: lenientText(context.locale) ?? undefined }));
  ids.add('USER_ID', userId);
  ids.add('ANONYMOUS_ID', anonymousId);
  ids.add('ANONYMOUS_ID', previousId);
  ids.add('EMAIL', optionalText(traits.email, 'traits.email', 320));
  ids.add('PHONE', optionalText(traits.phone, 'traits.phone', 64));
  ids.add('CRM_ID', optionalText(traits.crmId ?? traits.crm_id, 'traits.crmId'));
  for (const type of normalizer.types.configured) {
    for (const field of type.fields) if (Object.hasOwn(traits, field)) ids.add(type.name, optionalText(traits[field], `traits.${field}`));
  }
  const deviceId = optionalText(device.id, 'context.device.id', 256);
  ids.add('DEVICE_ID', deviceId);
  const identifiers = ids.requireAny();
  const usableDevice = identifiers.find((i) => i.type === 'DEVICE_ID');

  return {
    idempotencyKey: `EVENT:${messageId}`,
    messageId: messageId!,
    type,
    event,
    item: {
      causeKind: 'EVENT',
      cause: messageId!,
      source,
      occurredAt,
      identifiers,
      observations: profileObservations(traits, ids),
    },
    device: usableDevice
      ? {
          id: usableDevice.value,
          type: optionalText(device.type, 'context.device.type', 64),
          model: optionalText(device.model, 'context.device.model', 128),
          manufacturer: optionalText(device.manufacturer, 'context.device.manufacturer', 128),
          os,
        }
      : null,
    consents: consentStatements(context, occurredAt, purposes),
    sourceRecord: null,
    activity: { event, at: occurredAt },
    dropped: ids.dropped,
  };
}
