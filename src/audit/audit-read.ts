import type { GraphQLResolveInfo } from 'graphql';
import type { AppContext } from '../server/context';
import type { AuditChannel, AuditDecision, AuditEntryInput } from './audit-entry';

/** A subscription event reads through the same resolvers as a query; the operation tells them apart. */
export const channelOf = (info: Pick<GraphQLResolveInfo, 'operation'>): AuditChannel =>
  info.operation.operation === 'subscription' ? 'SUBSCRIPTION' : 'QUERY';

/**
 * The entry for one field read in a resolver (or a policy rule in front of it): who from the context, which
 * field from `info`, `Customer.email` of `customerId`.
 */
export function auditEntryFor(
  context: Pick<AppContext, 'principal' | 'requestId'>,
  info: Pick<GraphQLResolveInfo, 'operation' | 'parentType' | 'fieldName'>,
  customerId: string | null,
  decision: AuditDecision,
  reason: string | null = null,
): AuditEntryInput {
  return {
    subject: context.principal.subject,
    roles: context.principal.roles,
    typeName: info.parentType.name,
    fieldName: info.fieldName,
    customerId,
    purpose: context.principal.purpose,
    decision,
    reason,
    requestId: context.requestId,
    channel: channelOf(info),
  };
}
