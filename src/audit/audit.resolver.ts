import { Arg, ID, Int, Query, Resolver } from 'type-graphql';
import { Pseudonymous } from '../kernel/classification';
import { decodeCursor, pageSize, toConnection, type Connection } from '../shared/connection';
import { BadUserInputError } from '../shared/errors';
import { AuditEntryConnection, AuditEntryType, toAuditEntry } from './audit-entry.type';
import type { AuditTrail } from './audit-trail';

function beforeSeq(after: string | null | undefined): number {
  const cursor = decodeCursor(after, 1);
  if (!cursor) return Number.MAX_SAFE_INTEGER;
  const seq = Number(cursor[0]);
  if (!Number.isSafeInteger(seq) || seq < 1) throw new BadUserInputError('after is not a cursor returned by this API', { argument: 'after' });
  return seq;
}

@Resolver(() => AuditEntryType)
export class AuditResolver {
  constructor(private readonly audit: AuditTrail) {}

  @Pseudonymous()
  @Query(() => AuditEntryConnection, { description: "Every audited read of one customer's PII fields, newest first." })
  async auditLog(
    @Arg('customerId', () => ID) customerId: string,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<Connection<AuditEntryType & { seq: number }>> {
    const size = pageSize(first);
    const rows = await this.audit.customerLog(customerId, beforeSeq(after), size + 1);
    return toConnection(rows.map(toAuditEntry), size, (entry) => [String(entry.seq)]);
  }
}
