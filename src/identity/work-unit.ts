import type { ConflictReason } from '../kernel/conflict-reason';
import type { ConsentStatus } from '../kernel/consent-status';
import type { DroppedIdentifier } from './identifier-normalizer';
import type { ResolutionItem } from './resolution-plan';

export type ConsentStatement = { purpose: string; status: ConsentStatus; occurredAt: string };

/** An accepted event or source record: what resolution needs, plus what hangs off the customer it resolves to. */
export type WorkUnit = {
  /** `EVENT:<messageId>` or `<record key>@<updatedAt>` (recordVersionKey): an item with a key seen before is a DUPLICATE. */
  idempotencyKey: string;
  /** The event's messageId, or `<record key>@<updatedAt>`, as the caller will recognise it. */
  messageId: string;
  item: ResolutionItem;
  device: {
    id: string;
    type: string | null;
    model: string | null;
    manufacturer: string | null;
    os: string | null;
  } | null;
  consents: ConsentStatement[];
  sourceRecord: { key: string; source: string; externalId: string; attributes: string } | null;
  /** Events only: when the customer was seen, and the name of a TRACK (behaviour facts for segments). */
  activity: { event: string | null; at: string } | null;
  dropped: DroppedIdentifier[];
};

export type UnitOutcome = 'CREATED' | 'LINKED' | 'MERGED' | 'DUPLICATE' | 'DETACHED';

export type UnitResult = {
  /** Null only for a deletion of a record that described no one, or a version a deletion covers. */
  customerId: string | null;
  outcome: UnitOutcome;
  conflicts: {
    identifierType: string;
    reason: ConflictReason;
    limit: number;
    otherCustomerId: string | null;
  }[];
};
