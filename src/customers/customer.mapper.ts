import { lineageOf } from '../identity/golden-record';
import type { GoldenSources } from '../identity/profile-attributes';
import { decodeCandidates } from '../identity/stored-candidates';
import { CauseKindEnum } from '../kernel/cause-kind';
import { ConflictReasonEnum } from '../kernel/conflict-reason';
import type { ConflictRow, CustomerRow, DeviceRow, IdentifierRow, LinkRow, MergeRow, SourceRecordRow, StoredLineage } from './customer.repository';

import { CustomerStatusEnum, JoinCauseEnum, type MatchContribution, type AttributeLineage, type Customer, type CustomerDevice, type IdentityConflict, type LinkedIdentifier, type LinkExplanation, type MergeRecord, type SourceRecordType } from './customer.type';

export function toCustomer(row: CustomerRow, askedId: string): Customer {
  return { ...row, status: CustomerStatusEnum[row.status], redirectedFrom: row.id === askedId ? null : askedId };
}

export function toLinkedIdentifier(row: IdentifierRow, customerId: string): LinkedIdentifier {
  return { type: row.type, value: row.value, firstSeen: row.firstSeen, lastSeen: row.lastSeen, customerId };
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

/** The stored lineage, resolved against the candidates. */
export function toAttributeLineage({ candidates, sources }: StoredLineage, customerId: string): AttributeLineage[] {
  if (!candidates || !sources) return [];
  const lineage = lineageOf(decodeCandidates(candidates), JSON.parse(sources) as GoldenSources);
  return lineage.map((l) => ({ attribute: l.attribute, source: l.source, observedAt: new Date(l.at), cause: l.ref, customerId }));
}

/** `customerId`: the customer whose history it is read in (not in the schema; the audit of clear reads names it). */
export function toMergeRecord(merge: MergeRow, customerId: string): MergeRecord {
  return {
    ...merge,
    causeKind: CauseKindEnum[merge.causeKind],
    customerId,
    absorbed: merge.absorbed.map((a) => ({
      joinedBy:
        a.matchProbability != null
          ? JoinCauseEnum.PROBABILISTIC
          : a.viaRecordKey
            ? JoinCauseEnum.SOURCE_RECORD
            : merge.causeKind === 'DECISION'
              ? JoinCauseEnum.DECISION
              : merge.causeKind === 'OFFLINE'
                ? JoinCauseEnum.OFFLINE
                : JoinCauseEnum.IDENTIFIER,
      match:
        a.matchProbability != null
          ? {
              probability: a.matchProbability,
              weight: a.matchWeight ?? 0,
              modelVersion: a.modelVersion ?? null,
              contributions: JSON.parse(a.matchContributions ?? '[]') as MatchContribution[],
            }
          : null,
      customerId: a.customerId,
      viaIdentifierType: a.viaType && a.viaType,
      viaIdentifierValue: a.viaValue,
      viaRecordKey: a.viaRecordKey,
    })),
  };
}

export function toCustomerDevice({ device, firstSeen, lastSeen }: DeviceRow, customerId: string): CustomerDevice {
  return { ...device, firstSeen, lastSeen, customerId } as CustomerDevice;
}

/** `customerId`: whose record it is (not in the schema; the audit of clear reads names it). */
export function toSourceRecord(record: SourceRecordRow, customerId: string): SourceRecordType {
  return { ...record, attributes: JSON.parse(record.attributes ?? '{}') as unknown, customerId };
}

export function toIdentityConflict(conflict: ConflictRow): IdentityConflict {
  return {
    ...conflict,
    reason: ConflictReasonEnum[conflict.reason],
    identifierType: conflict.identifierType,
    causeKind: CauseKindEnum[conflict.causeKind],
  };
}
