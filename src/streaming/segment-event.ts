import type { RawEvent } from '../ingestion/event-normalizer';
import { isObject, type JsonObject } from '../ingestion/payload-fields';

export const SEGMENT_TYPES = ['identify', 'track', 'alias', 'page', 'screen', 'group'] as const;
export type SegmentType = (typeof SEGMENT_TYPES)[number];

/** The request as a whole is malformed (not one event's fields: those are checked, and dead-lettered, by ingestion). */
export class EnvelopeError extends Error {
  constructor(
    readonly reason: 'INVALID_BODY' | 'UNSUPPORTED_TYPE',
    message: string,
  ) {
    super(message);
  }
}

export type Envelope = {
  /** Set by a single-event endpoint (/v1/track); a batch item names its own. */
  type?: SegmentType;
  /** The batch's sentAt, for items without their own. */
  sentAt?: unknown;
  /** The write key's source, if it names one. */
  source: string | null;
  receivedAt: Date;
  newMessageId: () => string;
};

/**
 * Segment's clock-skew correction: the device's originalTimestamp shifted by how far its clock was off when it sent
 * (receivedAt - sentAt). Anything unparseable is passed on as given, for ingestion to reject with its reason.
 */
function eventTime(item: JsonObject, envelope: Envelope): unknown {
  if (item.timestamp !== undefined && item.timestamp !== null) return item.timestamp;
  const original = item.originalTimestamp;
  if (original === undefined || original === null) return envelope.receivedAt.toISOString();
  const sentAt = item.sentAt ?? envelope.sentAt;
  const [o, s] = [original, sentAt].map((value) => (typeof value === 'string' ? Date.parse(value) : Number.NaN));
  if (Number.isNaN(o) || Number.isNaN(s)) return original;
  return new Date(o + (envelope.receivedAt.getTime() - s)).toISOString();
}

const hasId = (value: unknown) => (typeof value === 'string' && value.trim() !== '') || (typeof value === 'number' && Number.isFinite(value));

/**
 * Segment tracking calls as our RawEvent. A call without a messageId gets one here, before it is stored anywhere,
 * so every later retry of it is recognised. `group` calls describe an account, not a person: they are dropped.
 */
export function toRawEvents(items: unknown[], envelope: Envelope): RawEvent[] {
  const events: RawEvent[] = [];
  items.forEach((item, index) => {
    const where = envelope.type ? 'the body' : `batch[${index}]`;
    if (!isObject(item)) throw new EnvelopeError('INVALID_BODY', `${where} must be a JSON object`);
    const given = envelope.type ?? (typeof item.type === 'string' ? item.type.trim().toLowerCase() : '');
    if (!(SEGMENT_TYPES as readonly string[]).includes(given)) {
      throw new EnvelopeError('UNSUPPORTED_TYPE', `${where}.type must be one of ${SEGMENT_TYPES.join(', ')}`);
    }
    if (given === 'group') return;
    events.push({
      messageId: hasId(item.messageId) ? String(item.messageId) : envelope.newMessageId(),
      type: given.toUpperCase(),
      userId: item.userId as RawEvent['userId'],
      anonymousId: item.anonymousId as RawEvent['anonymousId'],
      previousId: item.previousId as RawEvent['previousId'],
      event: item.event as RawEvent['event'],
      name: item.name as RawEvent['name'],
      traits: item.traits,
      properties: item.properties,
      context: item.context,
      timestamp: eventTime(item, envelope) as RawEvent['timestamp'],
      source: envelope.source ?? undefined,
    });
  });
  return events;
}
