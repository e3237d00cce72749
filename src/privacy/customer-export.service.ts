import { toAttributeLineage, toCustomerDevice, toIdentityConflict, toLinkExplanation, toMergeRecord, toSourceRecord } from '../customers/customer.mapper';
import type { CustomerRepository, CustomerRow } from '../customers/customer.repository';
import { toConsentRecord } from '../consent/consent-record.type';
import { CustomerStatusEnum } from '../customers/customer.type';
import { identifierKey } from '../kernel/identifier-type';
import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import type { Database } from '../infra/neo4j/database';
import { NotFoundError } from '../shared/errors';
import { toAuditEntry } from '../audit/audit-entry.type';
import type { AuditTrail } from '../audit/audit-trail';
import { decodeEvidence, type Evidence } from '../identity/evidence';
import { CauseKindEnum } from '../kernel/cause-kind';
import type { CustomerDataExport, ExportedEvidence, ExportedIdentifier, ExportedProfile } from './customer-export.type';
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
    this.q = registry.bind({
      profiles: 'privacy/export-profiles',
      segments: 'privacy/export-segments',
      behaviour: 'privacy/export-behaviour',
      evidence: 'privacy/export-evidence',
    });
  }

  async export(id: string): Promise<CustomerDataExport> {
    const profiles = (await this.db.read<{ profile: StoredProfileRow }>(this.q.profiles, { id })).map((row) => row.profile);
    if (profiles.length === 0) return this.exportOfErased(id);
    const survivorId = profiles[0].id;
    const profileIds = profiles.map((p) => p.id);

    const [profileRows, sourceRecords, merges, conflicts, piiReads, segments, behaviour, evidence] = await Promise.all([
      this.customers.profilesByIds([survivorId]),
      this.customers.relation('sourceRecords', [survivorId]),
      this.customers.relation('mergeHistory', [survivorId]),
      this.customers.relation('conflicts', [survivorId]),
      this.audit.entriesFor(profileIds),
      this.db.read<{ segmentId: string; segmentName: string; since: string }>(this.q.segments, { id: survivorId }),
      this.db.read<{ profileId: string; event: string; total: number; lastAt: number; buckets: number[]; counts: number[] }>(this.q.behaviour, { profileIds }),
      this.db.read<{ profileId: string; receivedAtMs: number; evidence: string }>(this.q.evidence, { profileIds }),
    ]);
    const profile = profileRows.get(survivorId)!;
    const links = await this.customers.identifierLinks(profile.identifiers.map((i) => identifierKey(i.type, i.value)));

    return {
      requestedId: id,
      customerId: survivorId,
      exportedAt: this.clock(),
      erasure: null,
      profiles: profiles.map(toExportedProfile),
      identifiers: profile.identifiers.map((i): ExportedIdentifier => {
        const link = links.get(identifierKey(i.type, i.value));
        return { ...i, type: i.type, customerId: survivorId, why: link ? toLinkExplanation(link, survivorId) : null };
      }),
      devices: profile.devices.map((device) => toCustomerDevice(device, survivorId)),
      sourceRecords: (sourceRecords.get(survivorId) ?? []).map(({ record }) => toSourceRecord(record, survivorId)),
      consents: profile.consents.map(toConsentRecord),
      segmentMemberships: segments.map((m) => ({ ...m, since: new Date(m.since) })),
      behaviour: behaviour.map((b) => ({
        profileId: b.profileId,
        event: b.event,
        total: b.total,
        lastAt: new Date(b.lastAt),
        buckets: b.buckets.map((start, i) => ({ start: new Date(start), count: b.counts[i] })),
      })),
      mergeHistory: (merges.get(survivorId) ?? []).map(({ merge }) => toMergeRecord(merge, survivorId)),
      conflicts: (conflicts.get(survivorId) ?? []).map(({ conflict }) => toIdentityConflict(conflict)),
      evidence: evidence
        .map((row) => ({ ...row, decoded: decodeEvidence(row.evidence) }))
        .sort((a, b) => a.receivedAtMs - b.receivedAtMs || a.decoded.position - b.decoded.position)
        .map((row) => toExportedEvidence(row.profileId, row.receivedAtMs, row.decoded)),
      piiReads: piiReads.map(toAuditEntry),
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
      evidence: [],
      piiReads: [],
    };
  }
}

/** A stored profile as privacy/export-profiles returns it: absent properties (Neo4j stores no nulls) come as null. */
type StoredProfileRow = CustomerRow & { mergedInto: string | null; mergedAt: Date | null; candidates: string | null; goldenSources: string | null };

function toExportedProfile({ candidates, goldenSources, ...profile }: StoredProfileRow): ExportedProfile {
  return {
    ...profile,
    status: CustomerStatusEnum[profile.status],
    mergedInto: profile.mergedInto ?? null,
    mergedAt: profile.mergedAt ?? null,
    attributeLineage: toAttributeLineage({ candidates: candidates ?? null, sources: goldenSources ?? null }, profile.id),
  };
}

function toExportedEvidence(profileId: string, receivedAtMs: number, { item, device, consents }: Evidence): ExportedEvidence {
  return {
    profileId,
    receivedAt: new Date(receivedAtMs),
    causeKind: CauseKindEnum[item.causeKind],
    cause: item.cause,
    source: item.source,
    occurredAt: new Date(item.occurredAt),
    identifiers: item.identifiers.map(({ type, value }) => ({ type, value, customerId: profileId })),
    attributes: item.observations,
    deviceId: device?.id ?? null,
    consents: consents.map((c) => ({ purpose: c.purpose, status: c.status, occurredAt: new Date(c.occurredAt) })),
  };
}
