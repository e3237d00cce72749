import { createHash } from 'node:crypto';

/** Where the value was read: a query or mutation result, a subscription event, or a data export. */
export type AuditChannel = 'QUERY' | 'SUBSCRIPTION' | 'EXPORT';

/** What the policy decided for that read; denials are recorded too, with a reason. */
export type AuditDecision = 'ALLOWED_CLEAR' | 'MASKED' | 'DENIED';

/**
 * One read of a customer's PII fields, as recorded: who, which fields of which customer, why and with what
 * outcome. One entry per customer per request (or subscription event), so a page of 1,000 profiles is 1,000
 * entries, not one per field and identifier. Never the value: the customer is named by id only.
 */
export type AuditEntryInput = {
  subject: string;
  roles: readonly string[];
  /** When the read happened; the trail stamps it (UTC) when left out. */
  at?: Date;
  /** The fields read, as Type.field (Customer.email, LinkedIdentifier.value), sorted. */
  fields: readonly string[];
  /** Null when a denial happened before any customer was known. */
  customerId: string | null;
  purpose: string | null;
  decision: AuditDecision;
  /** Why a read was denied or masked (e.g. NO_CONSENT); null for a plain clear read. */
  reason?: string | null;
  requestId: string;
  channel: AuditChannel;
};

/** An entry as stored in its chain. */
export type AuditRecord = {
  chain: string;
  seq: number;
  prevHash: string;
  hash: string;
  subject: string;
  roles: string[];
  at: Date;
  fields: string[];
  customerId: string | null;
  purpose: string | null;
  decision: AuditDecision;
  reason: string | null;
  requestId: string;
  channel: AuditChannel;
};

export type ChainedFields = Omit<AuditRecord, 'prevHash' | 'hash'>;

type Absent<T, K extends keyof T> = Omit<T, K> & { [P in K]?: T[P] };
/**
 * An entry as Neo4j returns it: it stores no nulls, and entries written before roles and fields were kept lack
 * them, so those may be absent. The chain hashed it as it was written: the verifier hashes it as stored.
 */
export type StoredAuditEntry = Absent<AuditRecord, 'customerId' | 'purpose' | 'reason' | 'roles' | 'fields'>;
export type StoredChainedFields = Omit<StoredAuditEntry, 'prevHash' | 'hash'>;

/** The prevHash of a chain's first entry. */
export const GENESIS_HASH = '0'.repeat(64);

const isoOf = (at: unknown) => (at instanceof Date ? at.toISOString() : String(at));
const orNull = (value: unknown) => (value === undefined ? null : value);

/**
 * The hashed form of an entry: every field, in a fixed order, as JSON. Anything an editor changes (even a type,
 * such as a number for a string) changes these bytes.
 */
export function canonicalJson(entry: StoredChainedFields): string {
  return JSON.stringify([
    entry.chain,
    entry.seq,
    isoOf(entry.at),
    entry.subject,
    entry.roles,
    entry.fields,
    orNull(entry.customerId),
    orNull(entry.purpose),
    entry.decision,
    orNull(entry.reason),
    entry.requestId,
    entry.channel,
  ]);
}

/**
 * canonicalJson of many entries that share most of their fields (the entries of one read): what they share is
 * turned into JSON once, and each entry's JSON is put together from those pieces, byte for byte what canonicalJson
 * gives (a flush hashes thousands of entries on the event loop that serves requests).
 */
export class CanonicalJsonOfRead {
  private readonly before: string;
  private readonly middle: string;
  private readonly after: string;

  constructor(chain: string, shared: Omit<StoredChainedFields, 'chain' | 'seq' | 'fields' | 'customerId'>) {
    this.before = `[${JSON.stringify(chain)},`;
    this.middle = `,${JSON.stringify(isoOf(shared.at))},${JSON.stringify(shared.subject)},${JSON.stringify(shared.roles)},`;
    const rest = JSON.stringify([orNull(shared.purpose), shared.decision, orNull(shared.reason), shared.requestId, shared.channel]);
    this.after = `,${rest.slice(1)}`;
  }

  /** `fieldsJson`: JSON.stringify of the entry's fields (the entries of a read mostly share it too). */
  of(seq: number, fieldsJson: string, customerId: string | null): string {
    return `${this.before}${seq}${this.middle}${fieldsJson},${JSON.stringify(customerId)}${this.after}`;
  }
}

/**
 * The hash of an entry written before the chain was keyed (seq below the head's keyedFrom): anyone can recompute
 * it, so these entries are protected only by the keyed entries after them (see AuditKey.entryHash).
 */
export const plainChainHash = (prevHash: string, entry: StoredChainedFields): string =>
  createHash('sha256').update(prevHash).update('\n').update(canonicalJson(entry)).digest('hex');

/** A stored entry as a customer's log shows it: absent values (Neo4j stores no nulls) become null. */
export function toAuditRecord(row: StoredChainedFields): ChainedFields {
  return {
    ...row,
    customerId: row.customerId ?? null,
    purpose: row.purpose ?? null,
    reason: row.reason ?? null,
    roles: row.roles ?? [],
    fields: row.fields ?? [],
  };
}
