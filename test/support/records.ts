import { unique } from './test-app';

/** A SourceRecordInput as the builder makes it; a malformed record is best written out as it is. */
export type RecordInput = {
  source?: string;
  externalId?: string;
  updatedAt?: string;
  attributes?: Record<string, unknown>;
  identifiers?: { type: string; value: string }[];
  consents?: { purpose: string; status: string; occurredAt?: string }[];
  deleted?: boolean;
};

/** A CRM record with a unique externalId, changed now, unless the fields say otherwise. */
export const sourceRecord = (fields: RecordInput = {}): RecordInput => ({
  source: 'crm',
  externalId: unique('ext'),
  updatedAt: new Date().toISOString(),
  ...fields,
});
