import { inspectJson } from '../shared/json-tree';
import { textFault } from '../shared/well-formed-text';
import type { Rejection } from './rejection';

export type PayloadLimits = {
  /** Nesting levels of one item, the item itself being level 1 (INGEST_MAX_ITEM_DEPTH). */
  maxDepth: number;
  /** Bytes of one item as UTF-8 JSON (INGEST_MAX_ITEM_BYTES). */
  maxBytes: number;
};

/** Top-level fields of an event or a record that say what it was and whose: all a refused item's dead letter keeps. */
const SUMMARY_FIELDS = ['messageId', 'type', 'userId', 'anonymousId', 'previousId', 'event', 'name', 'timestamp', 'source', 'externalId', 'updatedAt'];
const SUMMARY_TEXT = 1024;

/**
 * An item refused for its shape (too deep, too large) before anything else looks at it. Only a summary travels on,
 * to the stream and to the dead letter: the ids in it still let an erasure find the letter of the person it names.
 */
export class RefusedItem {
  constructor(
    readonly rejection: Rejection,
    readonly summary: Record<string, string | number>,
  ) {}

  /** As carried by the ingest stream; null unless it is a refusal this guard makes. The summary is taken again. */
  static revive(summary: unknown, rejection: unknown): RefusedItem | null {
    const { code, message } = (rejection ?? {}) as Partial<Rejection>;
    if ((code !== 'PAYLOAD_TOO_DEEP' && code !== 'PAYLOAD_TOO_LARGE') || typeof message !== 'string') return null;
    return new RefusedItem({ code, message: message.slice(0, SUMMARY_TEXT) }, summaryOf(summary));
  }
}

export type Admitted = {
  /** The item as JSON, safe to store: its depth and size are within the limits. */
  json: string;
  /** Set when a string or key in it cannot be kept faithfully; the item is rejected, its payload still kept. */
  textFault: string | null;
};

/**
 * The door every ingested item passes first (GraphQL, the Segment-spec endpoint, the stream worker, resubmissions):
 * nesting depth and size are bounded before anything serialises or walks the item, and its text must be well-formed.
 */
export class PayloadGuard {
  constructor(readonly limits: PayloadLimits) {}

  admit(raw: unknown): Admitted | RefusedItem {
    if (raw instanceof RefusedItem) return raw;
    const { maxDepth, maxBytes } = this.limits;
    const inspection = inspectJson(raw, maxDepth);
    if (inspection.tooDeep !== null) {
      const within = inspection.tooDeep.split(/[.[]/)[0] || 'the item';
      return this.refuse(raw, 'PAYLOAD_TOO_DEEP', `nested deeper than ${maxDepth} levels (in ${within}); only its top-level fields are kept`);
    }
    // Within the depth limit, serialising cannot overflow the stack.
    const json = JSON.stringify(raw);
    const bytes = Buffer.byteLength(json);
    if (bytes > maxBytes) {
      return this.refuse(raw, 'PAYLOAD_TOO_LARGE', `${bytes} bytes as JSON, more than ${maxBytes} bytes; only its top-level fields are kept`);
    }
    const text = inspection.text;
    if (text === null) return { json, textFault: null };
    return { json, textFault: text.inKey ? `a key in ${text.path || 'the item'} ${text.fault}` : `${text.path} ${text.fault}` };
  }

  /**
   * A stored payload as it may be shown. One nested deeper than the limit was stored before this door bounded depth
   * (a few thousand levels got through then); serialising it for an answer overflows the stack and fails the whole
   * page, so it is shown as the summary a refusal keeps now.
   */
  shown(stored: unknown): unknown {
    return inspectJson(stored, this.limits.maxDepth).tooDeep === null ? stored : summaryOf(stored);
  }

  private refuse(raw: unknown, code: 'PAYLOAD_TOO_DEEP' | 'PAYLOAD_TOO_LARGE', message: string): RefusedItem {
    return new RefusedItem({ code, message }, summaryOf(raw));
  }
}

function summaryOf(raw: unknown): Record<string, string | number> {
  const summary: Record<string, string | number> = {};
  if (raw === null || typeof raw !== 'object') return summary;
  for (const field of SUMMARY_FIELDS) {
    const value = (raw as Record<string, unknown>)[field];
    if (typeof value === 'number' && Number.isFinite(value)) summary[field] = value;
    if (typeof value === 'string' && textFault(value) === null) summary[field] = cut(value);
  }
  return summary;
}

/** At most SUMMARY_TEXT code units, never half of a surrogate pair. */
function cut(text: string): string {
  const head = text.slice(0, SUMMARY_TEXT);
  return /[\ud800-\udbff]$/.test(head) ? head.slice(0, -1) : head;
}
