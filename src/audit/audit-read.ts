import type { GraphQLResolveInfo } from 'graphql';
import type { Principal } from '../auth/principal';
import type { Logger } from '../observability/logger';
import type { AuditChannel, AuditDecision, AuditEntryInput } from './audit-entry';
import type { AuditTrail } from './audit-trail';

/** A subscription event reads through the same resolvers as a query; the operation tells them apart. */
export const channelOf = (info: Pick<GraphQLResolveInfo, 'operation'>): AuditChannel =>
  info.operation.operation === 'subscription' ? 'SUBSCRIPTION' : 'QUERY';

type Reader = { principal: Principal; requestId: string };

/** The entry for a read of some of one customer's PII fields. */
export function auditEntryFor(
  reader: Reader,
  customerId: string | null,
  fields: Iterable<string>,
  channel: AuditChannel,
  decision: AuditDecision,
  reason: string | null = null,
): AuditEntryInput {
  return {
    subject: reader.principal.subject,
    roles: reader.principal.roles,
    fields: [...fields].sort(),
    customerId,
    purpose: reader.principal.purpose,
    decision,
    reason,
    requestId: reader.requestId,
    channel,
  };
}

/** The part of a GraphQL context that records clear PII reads: this request's (or subscription event's) log. */
export type PiiReadsContext = { readonly piiReads: PiiReadLog };

/**
 * The clear PII reads of one request (or one subscription event), gathered while its fields resolve and recorded
 * when its result goes out: one audit entry per customer, naming every field read, all stamped with the time the
 * result went out. The operation was admitted before it ran (admit), so what it reads is always recorded.
 */
export class PiiReadLog {
  private reads = new Map<string | null, Set<string>>();
  private channel: AuditChannel | null = null;

  constructor(private readonly trail: AuditTrail) {}

  /**
   * Throws AuditBacklogError when the trail is too far behind to take the clear reads of another operation: called
   * before an operation that may read PII in clear runs, so it is refused whole rather than cut short.
   */
  admit(): void {
    this.trail.admit();
  }

  /** Reads from here on are for this channel (an export), whatever the operation. */
  readFor(channel: AuditChannel): void {
    this.channel = channel;
  }

  note(customerId: string | null, field: string, info: Pick<GraphQLResolveInfo, 'operation'>): void {
    let fields = this.reads.get(customerId);
    if (!fields) {
      this.trail.ensureRecording();
      fields = new Set();
      this.reads.set(customerId, fields);
    }
    fields.add(field);
    this.channel ??= channelOf(info);
  }

  /** No clear PII read noted since the last flush. */
  get empty(): boolean {
    return this.reads.size === 0;
  }

  /** Records what was gathered, and starts afresh for the next event of a subscription. */
  flush(reader: Reader, logger: Logger): void {
    if (this.reads.size === 0) return;
    const reads = this.reads;
    this.reads = new Map();
    try {
      const channel = this.channel ?? 'QUERY';
      // One time for the whole result: the trail writes the entries of one read together, sharing what they share.
      const at = this.trail.now();
      for (const [customerId, fields] of reads) this.trail.record({ ...auditEntryFor(reader, customerId, fields, channel, 'ALLOWED_CLEAR'), at });
    } catch (error) {
      // Accepted when the read began; only a shutdown in the meantime gets here.
      logger.error({ err: error, requestId: reader.requestId }, 'clear PII reads could not be audited');
    }
  }
}
