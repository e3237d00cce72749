import { toAttributeLineage, toCustomerDevice, toLinkExplanation, toMergeRecord, toSourceRecord } from '../customers/customer.mapper';
import type { CustomerRepository } from '../customers/customer.repository';
import type { ConsentRecord } from '../consent/consent-record.type';
import type { IdentityConflict } from '../customers/customer.type';
import { identifierKey, type IdentifierType } from '../kernel/identifier-type';
import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import type { Database } from '../infra/neo4j/database';
import { NotFoundError } from '../shared/errors';
import type { AuditEntryType } from '../audit/audit-entry.type';
import type { AuditTrail } from '../audit/audit-trail';
import type { CustomerDataExport, ExportedIdentifier, ExportedProfile } from './customer-export.type';
import { toErasureRequestType } from './erasure-request.mapper';
import type { ErasureService } from './erasure.service';

/** Right of access: one document with everything stored about a person, across all their merged profiles. */
export class CustomerExportService {
  private readonly q;

  constructor(
    private readonly db: Database,
    registry: CypherRegistry,
    private readonly customers: CustomerRepository,
    private readonly erasure: ErasureService,
    private readonly audit: Pick<AuditTrail, 'entriesFor'>,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.q = registry.bind({ profiles: 'privacy/export-profiles', segments: 'privacy/export-segments', behaviour: 'privacy/export-behaviour' });
  }

  async export(id: string): Promise<CustomerDataExport> {
    const profiles = (await this.db.read<{ profile: Record<string, unknown> }>(this.q.profiles, { id })).map((row) => row.profile);
    if (profiles.length === 0) return this.exportOfErased(id);
    const survivorId = profiles[0].id as string;
    const profileIds = profiles.map((p) => p.id as string);

    const [profileRows, sourceRecords, merges, conflicts, piiReads, segments, behaviour] = await Promise.all([
      this.customers.profilesByIds([survivorId]),
      this.customers.relation<{ customerId: string; record: Record<string, unknown> }>('sourceRecords', [survivorId]),
      this.customers.relation<{ customerId: string; merge: Record<string, unknown> }>('mergeHistory', [survivorId]),
      this.customers.relation<{ customerId: string; conflict: Record<string, unknown> }>('conflicts', [survivorId]),
      this.audit.entriesFor(profileIds),
      this.db.read<{ segmentId: string; segmentName: string; since: string }>(this.q.segments, { id: survivorId }),
      this.db.read<{ profileId: string; event: string; total: number; lastAt: number; buckets: number[]; counts: number[] }>(this.q.behaviour, { profileIds }),
    ]);
    const profile = profileRows.get(survivorId)!;
    const links = await this.customers.identifierLinks(profile.identifiers.map((i) => identifierKey(i.type as IdentifierType, i.value)));

    return {
      requestedId: id,
      customerId: survivorId,
      exportedAt: this.clock(),
      erasure: null,
      profiles: profiles.map(toExportedProfile),
      identifiers: profile.identifiers.map((i): ExportedIdentifier => {
        const link = links.get(identifierKey(i.type as IdentifierType, i.value));
        return { ...(i as unknown as ExportedIdentifier), customerId: survivorId, why: link ? toLinkExplanation(link, survivorId) : null };
      }),
      devices: profile.devices.map((device) => toCustomerDevice(device, survivorId)),
      sourceRecords: (sourceRecords.get(survivorId) ?? []).map(({ record }) => toSourceRecord(record, survivorId)),
      consents: profile.consents as unknown as ConsentRecord[],
      segmentMemberships: segments.map((m) => ({ ...m, since: new Date(m.since) })),
      behaviour: behaviour.map((b) => ({
        profileId: b.profileId,
        event: b.event,
        total: b.total,
        lastAt: new Date(b.lastAt),
        buckets: b.buckets.map((start, i) => ({ start: new Date(start), count: b.counts[i] })),
      })),
      mergeHistory: (merges.get(survivorId) ?? []).map(({ merge }) => toMergeRecord(merge, survivorId)),
      conflicts: (conflicts.get(survivorId) ?? []).map(({ conflict }) => conflict as unknown as IdentityConflict),
      piiReads: piiReads as unknown as AuditEntryType[],
    };
  }

  /** An erased person has an empty export that says when and why; an id never known is NOT_FOUND. */
  private async exportOfErased(id: string): Promise<CustomerDataExport> {
    const request = await this.erasure.forCustomer(id);
    if (!request) throw new NotFoundError(`No customer ${id}`, { argument: 'id' });
    return {
      requestedId: id,
      customerId: null,
      exportedAt: this.clock(),
      erasure: toErasureRequestType(request),
      profiles: [],
      identifiers: [],
      devices: [],
      sourceRecords: [],
      consents: [],
      segmentMemberships: [],
      behaviour: [],
      mergeHistory: [],
      conflicts: [],
      piiReads: [],
    };
  }
}

function toExportedProfile(p: Record<string, unknown>): ExportedProfile {
  return {
    ...(p as unknown as ExportedProfile),
    mergedInto: (p.mergedInto as string | null) ?? null,
    mergedAt: (p.mergedAt as Date | null) ?? null,
    attributeLineage: toAttributeLineage((p.attributeLineage as string | null) ?? null, p.id as string),
  };
}
