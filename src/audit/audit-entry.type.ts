import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { DataOwner, Pseudonymous, Public } from '../kernel/classification';
import { ConnectionType } from '../shared/connection';
import type { ChainedFields } from './audit-entry';

export enum AuditChannelEnum {
  QUERY = 'QUERY',
  SUBSCRIPTION = 'SUBSCRIPTION',
  EXPORT = 'EXPORT',
}
registerEnumType(AuditChannelEnum, { name: 'AuditChannel', description: 'Where a PII value was read.' });

export enum AuditDecisionEnum {
  ALLOWED_CLEAR = 'ALLOWED_CLEAR',
  MASKED = 'MASKED',
  DENIED = 'DENIED',
}
registerEnumType(AuditDecisionEnum, {
  name: 'AuditDecision',
  description: 'What the policy decided for a read of a PII field.',
  valuesConfig: { ALLOWED_CLEAR: { description: 'The value was returned in clear.' } },
});

@DataOwner('privacy-office', 'kept for accountability; holds ids only, so an erasure leaves it')
@ObjectType('AuditEntry', {
  description: "One read of a customer's PII fields in one request or event: who, when, which fields, why, and the decision. Never the value.",
})
export class AuditEntryType {
  @Public()
  @Field({ description: 'When the read happened (UTC).' })
  at!: Date;

  @Pseudonymous()
  @Field({ description: 'Who read: the token subject.' })
  subject!: string;

  @Public()
  @Field(() => [String])
  roles!: string[];

  @Public()
  @Field(() => [String], { description: 'The fields read, as Type.field (e.g. Customer.email, LinkedIdentifier.value).' })
  fields!: string[];

  @Pseudonymous()
  @Field(() => ID, { nullable: true })
  customerId!: string | null;

  @Public()
  @Field(() => String, { nullable: true, description: 'The purpose the reader acted for, if the token named one.' })
  purpose!: string | null;

  @Public()
  @Field(() => AuditDecisionEnum)
  decision!: AuditDecisionEnum;

  @Public()
  @Field(() => String, { nullable: true, description: 'Why a read was masked or denied.' })
  reason!: string | null;

  @Public()
  @Field(() => AuditChannelEnum)
  channel!: AuditChannelEnum;

  @Pseudonymous()
  @Field({ description: 'The request the read belonged to (x-request-id).' })
  requestId!: string;
}

export const AuditEntryConnection = ConnectionType(AuditEntryType, 'AuditEntry');

/** A stored entry as the API shows it (its `seq` makes the cursor). */
export const toAuditEntry = (record: ChainedFields): AuditEntryType & { seq: number } => ({
  ...record,
  decision: AuditDecisionEnum[record.decision],
  channel: AuditChannelEnum[record.channel],
});
