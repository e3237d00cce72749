import type { Lineage } from '../identity/profile-attributes';
import type { Customer, LinkedIdentifier } from './customer.type';
import type { CustomerRow, IdentifierRow } from './customer.repository';

export function toCustomer(row: CustomerRow, askedId: string): Customer {
  const lineage = row.attributeLineage ? (JSON.parse(row.attributeLineage) as Lineage[]) : [];
  return {
    ...(row as unknown as Customer),
    redirectedFrom: row.id === askedId ? null : askedId,
    attributeLineage: lineage.map((l) => ({ attribute: l.attribute, source: l.source, observedAt: new Date(l.at), cause: l.ref })),
  };
}

export function toLinkedIdentifier(row: IdentifierRow): LinkedIdentifier {
  const { link } = row;
  const mergedFrom = link.originalCustomerId ?? null;
  const summary =
    `Linked by ${link.causeKind === 'EVENT' ? 'event' : 'source record'} ${link.cause} from ${link.source} ` +
    `at ${link.linkedAt.toISOString()} under match rules v${link.ruleVersion}` +
    (mergedFrom ? `; it came with customer ${mergedFrom} when that customer was merged into this one` : '');
  return {
    type: row.type as LinkedIdentifier['type'],
    value: row.value,
    firstSeen: link.firstSeen,
    lastSeen: link.lastSeen,
    why: {
      causeKind: link.causeKind as LinkedIdentifier['why']['causeKind'],
      cause: link.cause,
      source: link.source,
      linkedAt: link.linkedAt,
      ruleVersion: link.ruleVersion,
      mergedFrom,
      summary,
    },
  };
}
