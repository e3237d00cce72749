import type { Lineage } from '../identity/profile-attributes';
import type { CustomerRow, DeviceRow, IdentifierRow, LinkRow } from './customer.repository';
import type { IdentifierTypeEnum } from '../kernel/identifier-type';
import type { AttributeLineage, Customer, CustomerDevice, LinkedIdentifier, LinkExplanation, MergeRecord, SourceRecordType } from './customer.type';

export function toCustomer(row: CustomerRow, askedId: string): Customer {
  return { ...(row as unknown as Customer), redirectedFrom: row.id === askedId ? null : askedId };
}

export function toLinkedIdentifier(row: IdentifierRow, customerId: string): LinkedIdentifier {
  return { type: row.type as LinkedIdentifier['type'], value: row.value, firstSeen: row.firstSeen, lastSeen: row.lastSeen, customerId };
}

/**
 * `customerId`: whose identifier it is (not in the schema; the audit of clear reads names it). The summary names the
 * kind of cause, not the cause: a messageId or record key may hold what the sender put in an id (an email), and
 * the summary is read by whoever may read the link, masked values or not; `cause` carries it, classified as PII.
 */
export function toLinkExplanation(link: LinkRow, customerId: string): LinkExplanation {
  const mergedFrom = link.originalCustomerId ?? null;
  const summary =
    `Linked by ${link.causeKind === 'EVENT' ? 'an event' : 'a source record'} from ${link.source} ` +
    `at ${link.linkedAt.toISOString()} under match rules v${link.ruleVersion}` +
    (mergedFrom ? `; it came with customer ${mergedFrom} when that customer was merged into this one` : '');
  return {
    causeKind: link.causeKind as LinkExplanation['causeKind'],
    cause: link.cause,
    source: link.source,
    linkedAt: link.linkedAt,
    ruleVersion: link.ruleVersion,
    mergedFrom,
    summary,
    customerId,
  };
}

export function toAttributeLineage(json: string | null, customerId: string): AttributeLineage[] {
  const lineage = json ? (JSON.parse(json) as Lineage[]) : [];
  return lineage.map((l) => ({ attribute: l.attribute, source: l.source, observedAt: new Date(l.at), cause: l.ref, customerId }));
}

/** `customerId`: the customer whose history it is read in (not in the schema; the audit of clear reads names it). */
export function toMergeRecord(merge: Record<string, unknown>, customerId: string): MergeRecord {
  const absorbed = merge.absorbed as { customerId: string; viaType: string | null; viaValue: string | null; viaRecordKey: string | null }[];
  return {
    ...(merge as unknown as MergeRecord),
    customerId,
    absorbed: absorbed.map((a) => ({
      customerId: a.customerId,
      viaIdentifierType: a.viaType as IdentifierTypeEnum | null,
      viaIdentifierValue: a.viaValue,
      viaRecordKey: a.viaRecordKey,
    })),
  };
}

export function toCustomerDevice({ device, firstSeen, lastSeen }: DeviceRow, customerId: string): CustomerDevice {
  return { ...device, firstSeen, lastSeen, customerId } as CustomerDevice;
}

/** `customerId`: whose record it is (not in the schema; the audit of clear reads names it). */
export function toSourceRecord(record: Record<string, unknown>, customerId: string): SourceRecordType {
  return {
    ...(record as unknown as SourceRecordType),
    attributes: JSON.parse(String(record.attributes ?? '{}')) as unknown,
    customerId,
  };
}
